# A cluster and two services: a Fargate web app that mounts the EFS access points (through the module's
# efs_volume_configurations, in a dynamic "volume" block), keeps sessions in the session store and sits
# behind the sticky ALB; and a single-writer database task pinned to the EBS-backed instance.

resource "aws_ecs_cluster" "main" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

locals {
  ecs_tasks_assume = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

# The task role: what EFS IAM authorization and ElastiCache IAM authentication see. Its name is known at
# plan time, as the EFS module's task_role_names must be.
resource "aws_iam_role" "app_task" {
  name               = "${var.name}-app-task"
  assume_role_policy = local.ecs_tasks_assume
}

resource "aws_iam_role_policy" "app_sessions" {
  name = "${var.name}-sessions"
  role = aws_iam_role.app_task.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "elasticache:Connect"
      Resource = [module.sessions.replication_group_arn, module.sessions.user_arn]
    }]
  })
}

# The execution role: what the ECS agent uses to pull the image and write logs.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = local.ecs_tasks_assume
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${var.name}"
  retention_in_days = 30
}

resource "aws_security_group" "app" {
  name        = "${var.name}-app"
  description = "The web app's tasks"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = module.web.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "HTTP from the load balancer"
}

resource "aws_vpc_security_group_egress_rule" "alb_to_app" {
  security_group_id            = module.web.security_group_id
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "HTTP to the web app's tasks"
}

resource "aws_vpc_security_group_egress_rule" "app_to_files" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = module.files.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  description                  = "NFS to the EFS mount targets"
}

resource "aws_vpc_security_group_egress_rule" "app_to_sessions" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = module.sessions.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = module.sessions.port
  to_port                      = module.sessions.port
  description                  = "TLS to the session store"
}

resource "aws_vpc_security_group_egress_rule" "app_https" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS to AWS APIs and the image registry"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "${var.name}-app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  task_role_arn            = aws_iam_role.app_task.arn
  execution_role_arn       = aws_iam_role.execution.arn

  container_definitions = jsonencode([{
    name         = "app"
    image        = "public.ecr.aws/nginx/nginx-unprivileged:1.27"
    essential    = true
    user         = "1000:0" # the access points' POSIX uid; group 0 may write nginx's cache in this image
    portMappings = [{ containerPort = 8080, protocol = "tcp" }]
    mountPoints = [
      for key, volume in module.files.efs_volume_configurations :
      { sourceVolume = key, containerPath = "/srv/${key}", readOnly = key == "reports" }
    ]
    environment = [
      { name = "SESSION_STORE_HOST", value = module.sessions.primary_endpoint_address },
      { name = "SESSION_STORE_PORT", value = tostring(module.sessions.port) },
      { name = "SESSION_STORE_USER", value = module.sessions.user_name },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = var.region
        awslogs-stream-prefix = "app"
      }
    }
  }])

  # One volume per access point, straight from the module: transit encryption and IAM authorization on.
  dynamic "volume" {
    for_each = module.files.efs_volume_configurations
    content {
      name = volume.key
      efs_volume_configuration {
        file_system_id     = volume.value.file_system_id
        transit_encryption = volume.value.transit_encryption
        authorization_config {
          access_point_id = volume.value.authorization_config.access_point_id
          iam             = volume.value.authorization_config.iam
        }
      }
    }
  }
}

resource "aws_ecs_service" "app" {
  name             = "${var.name}-app"
  cluster          = aws_ecs_cluster.main.id
  task_definition  = aws_ecs_task_definition.app.arn
  desired_count    = 2
  launch_type      = "FARGATE"
  platform_version = "1.4.0" # EFS volumes need 1.4.0 or later

  network_configuration {
    subnets          = [for zone in var.availability_zones : aws_subnet.private[zone].id]
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = module.web.target_group_arn
    container_name   = "app"
    container_port   = 8080
  }

  # Tasks start only once the mount targets, grants and rules exist: else the first ones fail to mount.
  depends_on = [module.files, aws_vpc_security_group_egress_rule.app_to_files, aws_iam_role_policy.app_sessions]
}

# The database: one task at a time on the instance that holds its EBS volume.
resource "aws_ecs_task_definition" "db" {
  family                   = "${var.name}-db"
  requires_compatibilities = ["EC2"]
  network_mode             = "bridge"
  execution_role_arn       = aws_iam_role.execution.arn

  container_definitions = jsonencode([{
    name        = "db"
    image       = "public.ecr.aws/docker/library/redis:7.4"
    essential   = true
    memory      = 512
    command     = ["redis-server", "--appendonly", "yes", "--dir", "/data"]
    mountPoints = [{ sourceVolume = "data", containerPath = "/data", readOnly = false }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = var.region
        awslogs-stream-prefix = "db"
      }
    }
  }])

  volume {
    name      = "data"
    host_path = "${module.db.mount_path}/redis"
  }

  placement_constraints {
    type       = "memberOf"
    expression = module.db.placement_constraint_expression
  }
}

resource "aws_ecs_service" "db" {
  name            = "${var.name}-db"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.db.arn
  desired_count   = 1
  launch_type     = "EC2"

  # Never two writers on the volume: stop the old task before the new one starts.
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100
}
