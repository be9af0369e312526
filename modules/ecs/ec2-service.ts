import { Construct } from "constructs";
import { checkInteger, propError } from "../core";
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
  }
}
