import re
docs = {
 ('modules/core/connectable.ts',12): "The security group whose egress the connections open.",
 ('modules/core/connectable.ts',27): "The tasks' security group, which rules into a store are made from.",
 ('modules/core/connectable.ts',28): "The tasks' role ARN, which grants are made to.",
 ('modules/ecs/cluster.ts',11): "The cluster's name, as services and container instances refer to it.",
 ('modules/ecs/cluster.ts',18): "The cluster's name, 1 to 255 letters, digits, `_` or `-`.",
 ('modules/ecs/cluster.ts',26): "Tags for the cluster.",
 ('modules/ecs/cluster.ts',31): "The `aws_ecs_cluster` resource.",
 ('modules/ecs/cluster.ts',46): "The cluster's ARN.",
 ('modules/ecs/cluster.ts',50): "The cluster's name.",
 ('modules/ecs/container-logs.ts',24): "Tags for the log group.",
 ('modules/ecs/container-logs.ts',29): "The `aws_cloudwatch_log_group` resource.",
 ('modules/ecs/container-service.ts',31): "The command the container runs.",
 ('modules/ecs/container-service.ts',62): "The target group's ARN.",
 ('modules/ecs/container-service.ts',84): "The execution and task roles of the tasks.",
 ('modules/ecs/container-service.ts',85): "Where the containers log.",
 ('modules/ecs/container-service.ts',86): "The container the task runs.",
 ('modules/ecs/container-service.ts',98): "Tags for the service, its task definition and its security group.",
 ('modules/ecs/container-service.ts',153): "The service's name, also its task definition family.",
 ('modules/ecs/container-service.ts',154): "The tasks' security group: HTTPS out, and what connections open.",
 ('modules/ecs/container-service.ts',155): "The `aws_ecs_task_definition` resource.",
 ('modules/ecs/container-service.ts',156): "The `aws_ecs_service` resource.",
 ('modules/ecs/generated-secret.ts',31): "Tags for the secret.",
 ('modules/ecs/generated-secret.ts',41): "The `aws_secretsmanager_secret` resource.",
 ('modules/ecs/generated-secret.ts',67): "The secret's ARN, as `ContainerSpec.secrets` takes it.",
 ('modules/ecs/task-roles.ts',29): "What the ECS agent uses to start the task: pull the image, write logs, read injected secrets.",
 ('modules/ecs/task-roles.ts',30): "What the application and data-plane authorization see; starts with no permissions.",
 ('modules/efs-storage/access-point.ts',53): "The `aws_efs_access_point` resource.",
 ('modules/efs-storage/efs-storage.ts',175): "The `Name` tag of the file system and the prefix of its other names.",
 ('modules/efs-storage/efs-storage.ts',176): "The `aws_efs_file_system` resource (with `prevent_destroy` unless `allowDestroy`).",
 ('modules/efs-storage/efs-storage.ts',181): "The file system policy: TLS and access points required, grants allowed.",
 ('modules/network/example-network.ts',70): "The `aws_vpc` resource.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',115): "The data volume.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',117): "The data volume's snapshot schedule.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',119): "The lock every task that mounts the volume holds.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',132): "Tags for every resource, the instances and volumes the group launches included.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',145): "Mount read-only.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',221): "The prefix of the resources' names.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',222): "How the host recovers: `self-healing` or `instance`.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',223): "Where the data volume is mounted on the host.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',224): "The ECS attributes the instance sets at first registration.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',225): "The `aws_ebs_volume` holding the data (with `prevent_destroy` unless `allowDestroy`).",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',226): "The instance's security group: HTTPS out, nothing in.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',227): "The instance role: ECS, SSM, and attaching its data volume.",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',228): "The launch template of the instance (both recovery modes).",
 ('modules/pinned-capacity/pinned-ebs-capacity.ts',233): "The volume's snapshot schedule (Data Lifecycle Manager).",
 ('modules/pinned-capacity/snapshots.ts',42): "The prefix of the policy's and role's names.",
 ('modules/pinned-capacity/snapshots.ts',45): "The schedule.",
 ('modules/pinned-capacity/snapshots.ts',46): "Tags for the policy and its role.",
 ('modules/pinned-capacity/snapshots.ts',56): "The `aws_dlm_lifecycle_policy` resource.",
 ('modules/session-store/dynamo-session-table.ts',13): "The table's name: 3 to 255 letters, digits, `_`, `-` or `.`.",
 ('modules/session-store/dynamo-session-table.ts',32): "Tags for the table.",
 ('modules/session-store/dynamo-session-table.ts',53): "The `aws_dynamodb_table` resource (with `prevent_destroy` unless `allowDestroy`).",
 ('modules/session-store/session-store.ts',64): "The engine: `valkey` or `redis` (Redis OSS).",
 ('modules/session-store/session-store.ts',71): "The node type, such as `cache.t4g.small`.",
 ('modules/session-store/session-store.ts',78): "The port clients connect to, 1024 to 65535.",
 ('modules/session-store/session-store.ts',80): "How clients authenticate: `iam` or `token`.",
 ('modules/session-store/session-store.ts',112): "Thresholds and notification targets of the CloudWatch alarms.",
 ('modules/session-store/session-store.ts',120): "Tags for every resource the construct creates.",
 ('modules/session-store/session-store.ts',149): "The replication group id, and the prefix of every name.",
 ('modules/session-store/session-store.ts',150): "The engine.",
 ('modules/session-store/session-store.ts',151): "The port clients connect to.",
 ('modules/session-store/session-store.ts',152): "The `aws_elasticache_replication_group` resource.",
 ('modules/session-store/session-store.ts',153): "The store's security group: its port from the connected services only.",
 ('modules/sticky-alb/sticky-alb.ts',30): "The path health checks request.",
 ('modules/sticky-alb/sticky-alb.ts',32): "The port health checks go to.",
 ('modules/sticky-alb/sticky-alb.ts',62): "How clients stick to a task.",
 ('modules/sticky-alb/sticky-alb.ts',64): "How the target group checks the tasks' health.",
 ('modules/sticky-alb/sticky-alb.ts',89): "Tags for every resource the construct creates.",
 ('modules/sticky-alb/sticky-alb.ts',105): "The load balancer's name, and the prefix of its target group's and security group's.",
 ('modules/sticky-alb/sticky-alb.ts',106): "The `aws_lb` resource.",
 ('modules/sticky-alb/sticky-alb.ts',107): "The load balancer's security group: in from `ingressCidrs`, out to routed services only.",
 ('modules/sticky-alb/sticky-alb.ts',108): "The `aws_lb_target_group` resource.",
 ('modules/sticky-alb/sticky-alb.ts',252): "The load balancer's DNS name, where clients connect.",
 ('modules/sticky-alb/sticky-alb.ts',256): "The load balancer's security group id.",
 ('modules/sticky-alb/sticky-alb.ts',260): "The target group's ARN.",
}
byfile={}
for (f,l),t in docs.items(): byfile.setdefault(f,[]).append((l,t))
for f,items in byfile.items():
    lines=open(f).read().split('\n')
    for l,t in sorted(items, reverse=True):
        i=l-1
        line=lines[i]
        indent=re.match(r'\s*',line).group(0)
        prev=lines[i-1].strip() if i>0 else ''
        if prev.startswith('/**') and prev.endswith('*/'):
            # one-line jsdoc with only tags: /** @default x */
            inner=prev[3:-2].strip()
            lines[i-1]=f'{indent}/**'
            lines.insert(i, f'{indent} * {t}\n{indent} * {inner}\n{indent} */')
            # the inserted text contains newlines; fine
        elif prev.endswith('*/'):
            # multi-line jsdoc: find its start and insert the text after '/**'
            j=i-1
            while not lines[j].strip().startswith('/**'): j-=1
            lines.insert(j+1, f'{indent} * {t}')
        else:
            lines.insert(i, f'{indent}/** {t} */')
    open(f,'w').write('\n'.join(lines))
