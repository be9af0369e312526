import { Construct } from "constructs";
import { propError } from "../core/errors";
import { isKnown } from "../core/tokens";
import { checkOneOf } from "../core/validate";
import { ContainerService, ContainerServiceProps, LaunchSettings } from "./container-service";
import { TaskVolume } from "./task-volume";

export interface FargateServiceProps extends ContainerServiceProps {
  /**
   * Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, a size Fargate offers for `cpu` (for 512 CPU: 1024 to 4096 in steps of 1024).
   * @default 512
   */
  readonly memory?: number;
  /**
   * Fargate platform version: `1.4.0` (the first with EFS volumes) or `LATEST`.
   * @default "1.4.0"
   */
  readonly platformVersion?: "1.4.0" | "LATEST";
}

/** Fargate's CPU units and the memory sizes (MiB) each allows: [cpu, min, max, step]. */
const FARGATE_SIZES: ReadonlyArray<readonly [number, number, number, number]> = [
  [256, 512, 2048, 512],
  [512, 1024, 4096, 1024],
  [1024, 2048, 8192, 1024],
  [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024],
  [8192, 16384, 61440, 4096],
  [16384, 32768, 122880, 8192],
];

/** Why Fargate does not offer `memory` MiB with `cpu` units, or undefined if it does. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const size = FARGATE_SIZES.find(([units]) => units === cpu);
  if (!size) return `cpu ${cpu} is not one of: ${FARGATE_SIZES.map(([units]) => units).join(", ")}`;
  const [, min, max, step] = size;
  // 256 CPU units is the odd one out: 512, 1024 or 2048 MiB, not 1536.
  const allowed = cpu === 256 ? [512, 1024, 2048].includes(memory) : (memory - min) % step === 0;
  if (memory >= min && memory <= max && allowed) return undefined;
  const sizes = cpu === 256 ? "512, 1024 or 2048 MiB" : `${min} to ${max} MiB in steps of ${step}`;
  return `memory ${memory} is not offered with cpu ${cpu}; allowed: ${sizes}`;
}

/**
 * A `ContainerService` on Fargate, without public IPs. Refuses host volumes (a Fargate task has no host)
 * and sizes Fargate does not offer; deployments start new tasks before stopping old ones (100% / 200%).
 */
export class FargateService extends ContainerService {
  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    const cpu = props.cpu ?? 256;
    const memory = props.memory ?? 512;
    super(scope, id, props, {
      launchType: "FARGATE",
      cpu,
      memory,
      platformVersion: props.platformVersion ?? "1.4.0",
      deployment: { minimumHealthyPercent: 100, maximumPercent: 200 },
    });
  }

  protected override checkLaunch(launch: LaunchSettings): void {
    if (isKnown(launch.cpu) && isKnown(launch.memory)) {
      const problem = fargateSizeProblem(launch.cpu, launch.memory);
      if (problem) throw propError(this, problem);
    }
    checkOneOf(this, "platformVersion", launch.platformVersion, ["1.4.0", "LATEST"]);
  }

  protected override checkVolume(volume: TaskVolume): void {
    if (!volume.fargateCompatible) {
      throw propError(this, `volume '${volume.volume.name}' is a host volume; Fargate tasks have no host`);
    }
  }
}
