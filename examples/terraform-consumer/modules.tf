# The four stateful-ecs modules, called with their required inputs only. Vendored copies live in
# ../../terraform (`npx stateful-ecs vendor <dir>` writes them anywhere); a team using a tag of the
# repository would write source = "git::https://<host>/<org>/stateful-ecs.git//terraform/efs-storage?ref=v0.2.0".

module "files" {
  source = "../../terraform/efs-storage"

  name                      = "${var.name}-files"
  vpc_id                    = aws_vpc.main.id
  subnet_ids                = [for zone in var.availability_zones : aws_subnet.private[zone].id]
  client_security_group_ids = [aws_security_group.app.id]
  access_points = {
    uploads = { path = "/uploads", uid = 1000, gid = 1000, task_role_names = [aws_iam_role.app_task.name] }
    reports = { path = "/reports", uid = 1000, gid = 1000, task_role_names = [aws_iam_role.app_task.name], read_only = true }
  }
}

module "sessions" {
  source = "../../terraform/session-store"

  name                      = "${var.name}-sessions"
  vpc_id                    = aws_vpc.main.id
  subnet_ids                = [for zone in var.availability_zones : aws_subnet.private[zone].id]
  client_security_group_ids = [aws_security_group.app.id]
}

module "web" {
  source = "../../terraform/sticky-alb"

  name              = "${var.name}-web"
  vpc_id            = aws_vpc.main.id
  public_subnet_ids = [for zone in var.availability_zones : aws_subnet.public[zone].id]
  target_port       = 8080 # nginx-unprivileged's port (optional input; the default is 80)
}

module "db" {
  source = "../../terraform/pinned-capacity"

  name              = "${var.name}-db"
  cluster_name      = aws_ecs_cluster.main.name
  subnet_id         = aws_subnet.private[var.availability_zones[0]].id
  availability_zone = var.availability_zones[0]
  volume_size_gib   = 20
  attributes        = { role = "db-primary" }
}
