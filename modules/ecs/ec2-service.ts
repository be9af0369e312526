import { Construct } from "constructs";
import { propError } from "../core/errors";
import { expressionOf, isKnown } from "../core/tokens";
import { checkInteger } from "../core/validate";
import {
  ContainerService,
  ContainerServiceProps,
  DeploymentSettings,
  LaunchSettings,
  PlacementConstraint,
} from "./container-service";

export interface Ec2ServiceProps extends ContainerServiceProps {
  /**
   * Task CPU units, 128 to 196608.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, 6 to 1048576; the instance must have it free.
   * @default 512
   */
  readonly memory?: number;
}

/** ECS allows at most 10 placement constraints per task. */
const MAX_PLACEMENT_CONSTRAINTS = 10;
const DEFAULT_DEPLOYMENT: DeploymentSettings = { minimumHealthyPercent: 100, maximumPercent: 200 };

/**
 * A `ContainerService` on EC2 container instances of the cluster (EC2 launch type, `awsvpc` networking).
 * A pinned capacity's `run(service, ...)` places it on its host, mounts its volume and stops the old task
 * before a deployment starts the new one.
 */
export class Ec2Service extends ContainerService {
  private readonly desiredCount?: number;

  constructor(scope: Construct, id: string, props: Ec2ServiceProps) {
    super(scope, id, props, {
      launchType: "EC2",
      cpu: props.cpu ?? 256,
      memory: props.memory ?? 512,
      deployment: DEFAULT_DEPLOYMENT,
    });
    this.desiredCount = props.desiredCount;
  }

  /**
   * Where tasks may run (at most 10 constraints). Set on the task definition, so even a one-off `run-task`
   * of it lands on the right instance.
   */
  addPlacementConstraint(constraint: PlacementConstraint): void {
    if (this.placementConstraints.some((known) => known.expression === constraint.expression)) return;
    if (this.placementConstraints.length >= MAX_PLACEMENT_CONSTRAINTS) {
      throw propError(
        this,
        `placement constraints: ${MAX_PLACEMENT_CONSTRAINTS} already; ECS allows at most ${MAX_PLACEMENT_CONSTRAINTS} per task`,
      );
    }
    this.placementConstraints.push(constraint);
    this.render();
  }

  protected override checkLaunch(launch: LaunchSettings): void {
    checkEc2Size(this, launch.cpu, launch.memory);
  }

  protected override checkVolume(): void {
    // Every volume kind works on EC2; pinned ones are checked at synth (launchProblems).
  }

  /**
   * A volume of one host (a pinned capacity's) takes one task, on that host, at a time: the service must be
   * placed there, run at most one task, and stop the old task before a deployment starts the new one.
   */
  protected override launchProblems(): string[] {
    // Compared as Terraform renders them: two expressions built the same way are distinct tokens.
    const rendered = (expression: string) => String(expressionOf(this, expression));
    const expressions = this.placementConstraints.map((constraint) => rendered(constraint.expression));
    const { minimumHealthyPercent, maximumPercent } = this.deployment;
    const me = `Ec2Service '${this.node.id}'`;
    return this.mounts.flatMap(({ volume }) => {
      const placement = volume.placement;
      if (!placement) return [];
      const uses = `it mounts host volume '${volume.volume.name}' of ${placement.owner}`;
      const problems: string[] = [];
      if (!placement.memberOf.some((expression) => expressions.includes(rendered(expression)))) {
        problems.push(
          `${me}: no placement constraint puts it on the host of ${placement.owner}, but ${uses}: its tasks could start on another instance, on its root disk; ${placement.remedy}`,
        );
      }
      const count = this.desiredCount;
      if (count !== undefined && isKnown(count) && count > 1) {
        problems.push(`${me}: desiredCount ${count} is more than 1, but ${uses}, which takes one task at a time`);
      }
      if (!(minimumHealthyPercent === 0 && maximumPercent === 100)) {
        problems.push(
          `${me}: deployment ${minimumHealthyPercent}% / ${maximumPercent}% would run a new task beside the old one, but ${uses}: a deployment must stop the old task first (0% / 100%); ${placement.remedy}`,
        );
      }
      return problems;
    });
  }
}

/** The task size ECS allows on EC2: cpu 128 to 196608 units, memory 6 to 1048576 MiB. */
export function checkEc2Size(owner: Construct, cpu: number | undefined, memory: number | undefined): void {
  checkInteger(owner, "cpu", cpu, 128, 196608);
  checkInteger(owner, "memory", memory, 6, 1048576);
}
