import { Construct } from "constructs";
import { checkInteger, isKnown, propError } from "../core";
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
  /**
   * Where tasks may run, for example a pinned capacity's `placementConstraint()`; at most 10. Set on the
   * task definition, so even a one-off `run-task` of it lands on the right instance.
   * @default - none
   */
  readonly placementConstraints?: PlacementConstraint[];
  /**
   * How deployments replace tasks; a pinned capacity's `pinnedServiceSettings` stops the old task first.
   * @default { minimumHealthyPercent: 100, maximumPercent: 200 }
   */
  readonly deployment?: DeploymentSettings;
}

/** ECS allows at most 10 placement constraints per task. */
const MAX_PLACEMENT_CONSTRAINTS = 10;

/** A `ContainerService` on EC2 container instances of the cluster (EC2 launch type, `awsvpc` networking). */
export class Ec2Service extends ContainerService {
  constructor(scope: Construct, id: string, props: Ec2ServiceProps) {
    super(scope, id, props, {
      launchType: "EC2",
      cpu: props.cpu ?? 256,
      memory: props.memory ?? 512,
      placementConstraints: props.placementConstraints,
      deployment: props.deployment ?? { minimumHealthyPercent: 100, maximumPercent: 200 },
    });
  }

  protected override checkLaunch(props: Ec2ServiceProps, launch: LaunchSettings): void {
    checkInteger(this, "cpu", launch.cpu, 128, 196608);
    checkInteger(this, "memory", launch.memory, 6, 1048576);
    const constraints = props.placementConstraints ?? [];
    if (constraints.length > MAX_PLACEMENT_CONSTRAINTS) {
      throw propError(
        this,
        `placementConstraints has ${constraints.length} constraints; ECS allows at most ${MAX_PLACEMENT_CONSTRAINTS} per task`,
      );
    }
    const { minimumHealthyPercent, maximumPercent } = launch.deployment;
    checkInteger(this, "deployment.minimumHealthyPercent", minimumHealthyPercent, 0, 100);
    checkInteger(this, "deployment.maximumPercent", maximumPercent, 100, 200);
    this.checkPinnedMounts(props, launch);
  }

  /**
   * A volume of one host (a pinned capacity's) takes one task, on that host, at a time: the service must be
   * placed there, run at most one task, and stop the old task before a deployment starts the new one.
   */
  private checkPinnedMounts(props: Ec2ServiceProps, launch: LaunchSettings): void {
    const expressions = (props.placementConstraints ?? [])
      .filter((constraint) => constraint.type === "memberOf")
      .map((constraint) => constraint.expression);
    const { minimumHealthyPercent, maximumPercent } = launch.deployment;
    (props.mounts ?? []).forEach((mount, index) => {
      const placement = mount.volume.placement;
      if (!placement) return;
      const uses = `mounts[${index}] uses a host volume of ${placement.owner}`;
      if (!placement.memberOf.some((expression) => expressions.includes(expression))) {
        throw propError(
          this,
          `placementConstraints has no memberOf constraint for the host of ${placement.owner}, but ${uses}: its tasks could start on another instance, on its root disk; ${placement.remedy}`,
        );
      }
      const count = props.desiredCount;
      if (count !== undefined && isKnown(count) && count > 1) {
        throw propError(this, `desiredCount ${count} is more than 1, but ${uses}, which takes one task at a time`);
      }
      const singleWriter = minimumHealthyPercent === 0 && maximumPercent === 100;
      if (isKnown(minimumHealthyPercent) && isKnown(maximumPercent) && !singleWriter) {
        throw propError(
          this,
          `deployment ${minimumHealthyPercent}% / ${maximumPercent}% would run a new task beside the old one, but ${uses}: a deployment must stop the old task first (0% / 100%); ${placement.remedy}`,
        );
      }
    });
  }
}
