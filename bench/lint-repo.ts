import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A Terraform repository of `services` EFS-backed Fargate services, ten resources each, written the way
 * public repositories write them (variables with defaults, locals, `count` and `for_each`, `jsonencode`
 * container definitions, standalone security group rules, a local module, a `templatefile` user data
 * script): what `stateful-ecs lint` is timed on. 100 services make 1,000 resources with the shared ones.
 */

const SHARED = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

variable "name" {
  type    = string
  default = "bench"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]
}

locals {
  tags = { project = var.name, managed_by = "terraform" }
}

resource "aws_ecs_cluster" "main" {
  name = var.name
  tags = local.tags
}

resource "aws_efs_file_system" "data" {
  encrypted = true
  tags      = merge(local.tags, { Name = "\${var.name}-data" })
}

resource "aws_efs_file_system_policy" "data" {
  file_system_id = aws_efs_file_system.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "*"
      Resource  = aws_efs_file_system.data.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_security_group" "efs" {
  name   = "\${var.name}-efs"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_efs_mount_target" "data" {
  count           = length(var.subnet_ids)
  file_system_id  = aws_efs_file_system.data.id
  subnet_id       = var.subnet_ids[count.index]
  security_groups = [aws_security_group.efs.id]
}

module "host" {
  source    = "./modules/host"
  name      = var.name
  volume_az = "eu-west-1a"
}
`;

const HOST_MODULE = `variable "name" {
  type = string
}

variable "volume_az" {
  type = string
}

resource "aws_launch_template" "host" {
  name_prefix = "\${var.name}-host"
  image_id    = "ami-0123456789abcdef0"
  user_data   = base64encode(templatefile("\${path.module}/user-data.sh", { cluster = var.name }))
}

resource "aws_autoscaling_group" "host" {
  name             = "\${var.name}-host"
  min_size         = 1
  max_size         = 1
  desired_capacity = 1
  launch_template {
    id      = aws_launch_template.host.id
    version = "$Latest"
  }
}
`;

const USER_DATA = `#!/bin/bash
echo ECS_CLUSTER=\${cluster} >> /etc/ecs/ecs.config
`;

function service(index: number): string {
  const name = `svc${String(index).padStart(3, "0")}`;
  return `
resource "aws_iam_role" "${name}_task" {
  name = "\${var.name}-${name}-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "${name}_efs" {
  role = aws_iam_role.${name}_task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], Resource = aws_efs_file_system.data.arn }]
  })
}

resource "aws_cloudwatch_log_group" "${name}" {
  name              = "/ecs/\${var.name}/${name}"
  retention_in_days = 30
  tags              = local.tags
}

resource "aws_efs_access_point" "${name}" {
  file_system_id = aws_efs_file_system.data.id
  posix_user {
    uid = 1000
    gid = 1000
  }
  root_directory {
    path = "/${name}"
    creation_info {
      owner_uid   = 1000
      owner_gid   = 1000
      permissions = "750"
    }
  }
}

resource "aws_security_group" "${name}" {
  name   = "\${var.name}-${name}"
  vpc_id = "vpc-0123456789abcdef0"
  tags   = local.tags
}

resource "aws_security_group_rule" "${name}_to_efs" {
  type                     = "ingress"
  from_port                = 2049
  to_port                  = 2049
  protocol                 = "tcp"
  security_group_id        = aws_security_group.efs.id
  source_security_group_id = aws_security_group.${name}.id
}

resource "aws_vpc_security_group_egress_rule" "${name}_https" {
  security_group_id = aws_security_group.${name}.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_ecs_task_definition" "${name}" {
  family                   = "\${var.name}-${name}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  task_role_arn            = aws_iam_role.${name}_task.arn
  container_definitions = jsonencode([{
    name        = "${name}"
    image       = "public.ecr.aws/docker/library/busybox:1.36"
    essential   = true
    user        = "1000:1000"
    mountPoints = [{ sourceVolume = "data", containerPath = "/data", readOnly = false }]
    logConfiguration = {
      logDriver = "awslogs"
      options   = { awslogs-group = aws_cloudwatch_log_group.${name}.name, awslogs-region = "eu-west-1", awslogs-stream-prefix = "${name}" }
    }
  }])
  volume {
    name = "data"
    efs_volume_configuration {
      file_system_id     = aws_efs_file_system.data.id
      transit_encryption = "ENABLED"
      authorization_config {
        access_point_id = aws_efs_access_point.${name}.id
        iam             = "ENABLED"
      }
    }
  }
}

resource "aws_ecs_service" "${name}" {
  name             = "${name}"
  cluster          = aws_ecs_cluster.main.id
  task_definition  = aws_ecs_task_definition.${name}.arn
  desired_count    = 1
  launch_type      = "FARGATE"
  platform_version = "1.4.0"
  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.${name}.id]
  }
  depends_on = [aws_efs_mount_target.data]
}

resource "aws_appautoscaling_target" "${name}" {
  service_namespace  = "ecs"
  resource_id        = "service/\${aws_ecs_cluster.main.name}/\${aws_ecs_service.${name}.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 1
  max_capacity       = 1
}
`;
}

/** Writes the repository into `dir` (ten services per file, as teams split them) and returns its resource count. */
export function writeLintRepo(dir: string, services: number): number {
  fs.mkdirSync(path.join(dir, "modules", "host"), { recursive: true });
  fs.writeFileSync(path.join(dir, "main.tf"), SHARED);
  fs.writeFileSync(path.join(dir, "modules", "host", "main.tf"), HOST_MODULE);
  fs.writeFileSync(path.join(dir, "modules", "host", "user-data.sh"), USER_DATA);
  for (let first = 0; first < services; first += 10) {
    const indexes = Array.from({ length: Math.min(10, services - first) }, (_, offset) => first + offset);
    fs.writeFileSync(path.join(dir, `services-${first / 10}.tf`), indexes.map(service).join(""));
  }
  const shared = 8; // cluster, file system, policy, EFS group, two mount targets, the host module's two
  return shared + services * 10;
}
