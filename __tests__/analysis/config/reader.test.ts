import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readConfiguration } from "../../../analysis/config/load";
import { planConfiguration } from "../../../analysis/config/plan-configuration";
import { GuardReport, RULE_TYPES, runGuards } from "../../../analysis/guards";
import { PlanJson } from "../../../analysis/plan-json";

/**
 * What real repositories throw at the reader, and what it must do: finish (never recurse without end or
 * wait on itself), note what it cannot read, and let no value it cannot know fire a rule.
 */

/** A directory holding `files` (relative path -> text), linted. */
async function lint(
  files: Record<string, string>,
): Promise<GuardReport & { resources: string[]; values: (address: string) => unknown }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-reader-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const configuration = await readConfiguration(dir, { evaluateTypes: RULE_TYPES });
  return {
    ...runGuards(configuration),
    resources: configuration.resources.map((resource) => resource.address),
    values: (address) => configuration.resources.find((resource) => resource.address === address)?.values,
  };
}

const pairs = (report: GuardReport) => report.findings.map((finding) => `${finding.ruleId} ${finding.address}`);

const GROUP_MODULE = `variable "peer" {}
resource "aws_security_group" "this" {
  ingress {
    from_port       = 2049
    to_port         = 2049
    protocol        = "tcp"
    security_groups = [var.peer]
  }
}
output "sg" {
  value = aws_security_group.this.id
}
`;

/** A task definition whose EFS volume's transit encryption is `setting` (HCL). */
const taskWithTransit = (setting: string) => `resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = "[]"
  volume {
    name = "d"
    efs_volume_configuration {
      file_system_id     = "fs-1"
      transit_encryption = ${setting}
    }
  }
}
`;

describe("the configuration reader", () => {
  it("reads two modules that pass each other's outputs", async () => {
    const report = await lint({
      "main.tf": `module "a" {\n  source = "./a"\n  peer   = module.b.sg\n}\nmodule "b" {\n  source = "./b"\n  peer   = module.a.sg\n}\n`,
      "a/main.tf": GROUP_MODULE,
      "b/main.tf": GROUP_MODULE,
    });
    expect(report.resources).toEqual(["module.a.aws_security_group.this", "module.b.aws_security_group.this"]);
  });

  it("reads a local that refers to itself as unknown, and says so", async () => {
    const report = await lint({ "main.tf": `locals {\n  te = local.te\n}\n${taskWithTransit("local.te")}` });
    expect(report.findings).toEqual([]);
    expect(report.notes).toContain(
      "SE001 aws_ecs_task_definition.t: not checked, volume 'd': transit_encryption is not known statically",
    );
  });

  it.each([
    [
      "calls its own directory",
      'module "m" {\n  source = "./"\n}\n',
      "module.m: source './' calls itself; not followed",
    ],
    [
      "has a file for a source",
      'module "m" {\n  source = "./main.tf"\n}\n',
      "module.m: source './main.tf' is not a directory",
    ],
    [
      "is remote",
      'module "m" {\n  source = "org/x/aws"\n}\n',
      "module.m: source 'org/x/aws' is not a local path; not followed",
    ],
    [
      "makes no instance",
      'module "m" {\n  source = "./m"\n  count  = 0\n}\n',
      "module.m: count or for_each makes no instance; nothing to read",
    ],
  ])("notes a module that %s, and reads the rest", async (_case, call, note) => {
    const report = await lint({
      "main.tf": call + taskWithTransit('"DISABLED"'),
      "m/main.tf": taskWithTransit('"DISABLED"'),
    });
    expect(report.notes).toContain(note);
    expect(pairs(report)).toEqual(["SE001 aws_ecs_task_definition.t"]);
  });

  it("notes a .tf.json file that is not an object", async () => {
    const report = await lint({ "main.tf.json": "null", "task.tf": taskWithTransit('"DISABLED"') });
    expect(report.notes).toEqual([expect.stringMatching(/main\.tf\.json: not read \(not a JSON object\)$/)]);
    expect(pairs(report)).toEqual(["SE001 aws_ecs_task_definition.t"]);
  });

  it("falls back in try() only from what fails, not from what is unknown", async () => {
    const unknown = await lint({
      "main.tf": `variable "efs" {}\n${taskWithTransit('try(var.efs.transit_encryption, "DISABLED")')}`,
    });
    expect(unknown.findings).toEqual([]);
    const failing = await lint({ "main.tf": taskWithTransit('try(["ENABLED"][3], "DISABLED")') });
    expect(pairs(failing)).toEqual(["SE001 aws_ecs_task_definition.t"]);
  });

  it("takes default = null as null, and counts given as strings", async () => {
    const report = await lint({
      "main.tf": `variable "role" {\n  default = null\n}\nresource "aws_ecs_task_definition" "t" {\n  count                 = "2"\n  family                = "t"\n  container_definitions = "[]"\n  task_role_arn         = var.role\n  volume {\n    name = "d"\n    efs_volume_configuration {\n      file_system_id     = "fs-1"\n      transit_encryption = "ENABLED"\n      authorization_config {\n        iam = "ENABLED"\n      }\n    }\n  }\n}\n`,
    });
    expect(pairs(report)).toEqual(["SE004 aws_ecs_task_definition.t[0]", "SE004 aws_ecs_task_definition.t[1]"]);
  });

  it("fills the attributes an object type marks optional with their defaults", async () => {
    const report = await lint({
      "main.tf": `variable "volumes" {
  type = map(object({ file_system_id = string, transit_encryption = optional(string, "DISABLED"), iam = optional(string) }))
  default = { data = { file_system_id = "fs-1" } }
}
resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = "[]"
  volume {
    name = "data"
    efs_volume_configuration {
      file_system_id     = var.volumes.data.file_system_id
      transit_encryption = var.volumes.data.transit_encryption
    }
  }
}
`,
    });
    expect(pairs(report)).toEqual(["SE001 aws_ecs_task_definition.t"]);
  });

  it("keeps a comment directive to its own block when the block before it is written on one line", async () => {
    const report = await lint({
      "main.tf":
        'resource "aws_efs_file_system" "a" {}\n# stateful-ecs:ignore SE009 scratch space\nresource "aws_efs_file_system" "b" {}\n',
    });
    expect(report.findings.map((finding) => [finding.address, finding.silenced])).toEqual([
      ["aws_efs_file_system.a", undefined],
      ["aws_efs_file_system.b", "scratch space"],
    ]);
  });
});

describe("rules on values the reader cannot know, or that only look like the pitfall", () => {
  const host = (attributes: string) => `resource "aws_instance" "db" {
  ami       = "ami-1"
  user_data = <<-EOT
    #!/bin/bash
    echo 'ECS_INSTANCE_ATTRIBUTES=${attributes}' >> /etc/ecs/ecs.config
  EOT
}
`;
  const service = (expression: string) => `variable "node" {}
resource "aws_ecs_service" "db" {
  name                       = "db"
  deployment_maximum_percent = 100
  placement_constraints {
    type       = "memberOf"
    expression = "${expression}"
  }
}
`;

  it("SE101 leaves a constraint that holds a variable, and one that negates", async () => {
    for (const expression of ["attribute:node == ${var.node}", "!(attribute:node == db-2)"]) {
      expect((await lint({ "main.tf": host('{"node":"db-1"}') + service(expression) })).findings).toEqual([]);
    }
  });

  it("SE101 wants one host with every clause of a constraint", async () => {
    const report = await lint({
      "main.tf": host('{"role":"db"}') + service("attribute:role == db and attribute:zone == a"),
    });
    expect(report.findings).toEqual([
      expect.objectContaining({
        ruleId: "SE101",
        message: expect.stringContaining('ECS_INSTANCE_ATTRIBUTES={"role":"db","zone":"a"}'),
      }),
    ]);
  });

  it("SE101 reads a constraint built with formatlist, as the vendored pinned-capacity module builds it", async () => {
    const built =
      `variable "attributes" {\n  default = { role = "web" }\n}\n` +
      service('${join(" and ", formatlist("attribute:%s == %s", keys(var.attributes), values(var.attributes)))}');
    const report = await lint({ "main.tf": host('{"role":"db"}') + built });
    expect(report.findings).toEqual([
      expect.objectContaining({ ruleId: "SE101", message: expect.stringContaining("attribute:role == web") }),
    ]);
  });

  it("SE007 knows a database's tools from the database", async () => {
    const task = (image: string) => `resource "aws_ecs_task_definition" "t" {
  family = "t"
  container_definitions = jsonencode([{ name = "c", image = "${image}", mountPoints = [{ sourceVolume = "d", containerPath = "/data" }] }])
  volume {
    name = "d"
    efs_volume_configuration {
      file_system_id     = "fs-1"
      transit_encryption = "ENABLED"
    }
  }
}
`;
    expect(pairs(await lint({ "main.tf": task("mongo-express:1.0") }))).toEqual([]);
    expect(pairs(await lint({ "main.tf": task("mongo:7") }))).toEqual(["SE007 aws_ecs_task_definition.t"]);
  });

  it("SE008 leaves a wide range on a group that serves no file system", async () => {
    const report = await lint({
      "main.tf": `resource "aws_security_group_rule" "nlb" {\n  type              = "ingress"\n  from_port         = 1024\n  to_port           = 65535\n  protocol          = "tcp"\n  cidr_blocks       = ["0.0.0.0/0"]\n  security_group_id = "sg-1"\n}\n`,
    });
    expect(report.findings).toEqual([]);
  });

  it("SE009 checks each instance of a counted file system", async () => {
    const report = await lint({
      "main.tf": `resource "aws_efs_file_system" "fs" {\n  count = 2\n}\nresource "aws_efs_file_system_policy" "p" {\n  file_system_id = aws_efs_file_system.fs[0].id\n  policy         = "{}"\n}\n`,
    });
    expect(pairs(report)).toEqual(["SE009 aws_efs_file_system.fs[1]"]);
  });
});

describe("plans", () => {
  /** A created resource: its planned values, what is only known after apply, and its configuration. */
  const change = (
    address: string,
    after: Record<string, unknown>,
    afterUnknown: Record<string, unknown>,
    moduleAddress?: string,
  ) => {
    const [type, name] = address.replace(/^(module\.[^.]+\.)+/, "").split(".");
    return {
      address,
      ...(moduleAddress ? { module_address: moduleAddress } : {}),
      mode: "managed" as const,
      type,
      name: name.replace(/\[.*$/, ""),
      change: { actions: ["create"], before: null, after, after_unknown: afterUnknown },
    };
  };

  it("fill a map's unknown members from the configuration's references", () => {
    const plan: PlanJson = {
      format_version: "1.2",
      terraform_version: "1.11.4",
      resource_changes: [
        change(
          "aws_instance.db",
          { user_data: Buffer.from('echo ECS_INSTANCE_ATTRIBUTES={"role":"db"}').toString("base64") },
          { id: true },
        ),
        change(
          "aws_cloudwatch_metric_alarm.recover",
          { alarm_actions: ["arn:aws:automate:eu-west-1:ec2:recover"], dimensions: {} },
          { dimensions: { InstanceId: true } },
        ),
      ],
      configuration: {
        root_module: {
          resources: [
            {
              address: "aws_cloudwatch_metric_alarm.recover",
              mode: "managed",
              type: "aws_cloudwatch_metric_alarm",
              name: "recover",
              expressions: { dimensions: { references: ["aws_instance.db.id", "aws_instance.db"] } },
            },
          ],
        },
      },
    };
    const [, alarm] = planConfiguration(plan).resources;
    expect(alarm.values.dimensions).toEqual({ InstanceId: "${aws_instance.db.id}" });
  });

  it("resolve references inside a counted module", () => {
    const plan: PlanJson = {
      format_version: "1.2",
      terraform_version: "1.11.4",
      resource_changes: [
        change("module.efs[0].aws_efs_file_system.this", { encrypted: true }, { id: true }, "module.efs[0]"),
        change(
          "module.efs[0].aws_efs_file_system_policy.this",
          { policy: "{}" },
          { file_system_id: true },
          "module.efs[0]",
        ),
      ],
      configuration: {
        root_module: {
          module_calls: {
            efs: {
              module: {
                resources: [
                  {
                    address: "aws_efs_file_system_policy.this",
                    mode: "managed",
                    type: "aws_efs_file_system_policy",
                    name: "this",
                    expressions: {
                      file_system_id: { references: ["aws_efs_file_system.this.id", "aws_efs_file_system.this"] },
                    },
                  },
                ],
              },
            },
          },
        },
      },
    };
    expect(runGuards(planConfiguration(plan)).findings).toEqual([]);
  });
});

describe("what Terraform itself would compute differently, read as Terraform does", () => {
  const replicationGroup = (transit: string) => `resource "aws_elasticache_replication_group" "r" {
  replication_group_id       = "r"
  description                = "sessions"
  transit_encryption_enabled = ${transit}
}
`;

  it("takes tfvars in Terraform's order: terraform.tfvars, then *.auto.tfvars", async () => {
    const report = await lint({
      "main.tf": `variable "tls" {}\n${replicationGroup("var.tls")}`,
      "terraform.tfvars": "tls = false\n",
      "prod.auto.tfvars": "tls = true\n",
    });
    expect(report.findings).toEqual([]);
  });

  it("merges override files into the blocks they override", async () => {
    const report = await lint({ "main.tf": replicationGroup("false"), "main_override.tf": replicationGroup("true") });
    expect(report).toMatchObject({ findings: [], resources: ["aws_elasticache_replication_group.r"] });
  });

  it("does not fall back in try() from what only this reader cannot do", async () => {
    const report = await lint({
      "main.tf": `data "aws_ssm_parameter" "cfg" {\n  name = "cfg"\n}\n${replicationGroup("try(jsondecode(data.aws_ssm_parameter.cfg.value).tls, false)")}`,
    });
    expect(report.findings).toEqual([]);
  });

  it("reads a reference or an undecidable comparison as unknown, never as a value", async () => {
    const viaData = `data "aws_elasticache_replication_group" "primary" {\n  replication_group_id = "p"\n}\n`;
    const compared = `variable "env" {}\n${replicationGroup('"${var.env}-x" == "prod-x"').replace('"r"', '"c"')}`;
    const report = await lint({
      "main.tf":
        viaData + replicationGroup("data.aws_elasticache_replication_group.primary.transit_encryption_enabled"),
      "compared.tf": compared,
    });
    expect(report.findings).toEqual([]);
  });

  it("makes a set of for_each's list, groups values with ..., evaluates keys written as expressions", async () => {
    const report = await lint({
      "main.tf": `locals {
  names   = toset(["b", "a", "a"])
  grouped = { for n in ["x", "y", "x"] : n => n... }
  key     = "Backup"
}
resource "aws_efs_file_system" "fs" {
  for_each = local.names
  tags     = { (local.key) = "daily", count = length(local.grouped.x) }
}
`,
    });
    expect(report.resources).toEqual(['aws_efs_file_system.fs["a"]', 'aws_efs_file_system.fs["b"]']);
    expect(report.values('aws_efs_file_system.fs["a"]')).toEqual({ tags: { Backup: "daily", count: 2 } });
    expect(report.findings.map((finding) => finding.address)).toEqual(report.resources);
  });

  it("fills an optional attribute set to null with its default, and leaves format verbs it does not implement unknown", async () => {
    const report = await lint({
      "main.tf": `variable "cache" {
  type    = object({ tls = optional(bool, true) })
  default = { tls = null }
}
${replicationGroup("var.cache.tls")}${replicationGroup('format("%t", false) == "false"').replace('"r"', '"f"')}`,
    });
    expect(report.findings).toEqual([]);
  });

  it("leaves another provider's functions unknown", async () => {
    const report = await lint({ "main.tf": replicationGroup('provider::other::lower("FALSE") == "false"') });
    expect(report.findings).toEqual([]);
  });
});

describe("rules on what the configuration does not hold", () => {
  const mounted = (ingress: string) => `resource "aws_efs_file_system" "fs" {}
resource "aws_efs_file_system_policy" "fs" {
  file_system_id = aws_efs_file_system.fs.id
  policy         = "{}"
}
resource "aws_security_group" "tasks" {}
resource "aws_security_group" "efs" {
${ingress}}
resource "aws_efs_mount_target" "a" {
  file_system_id  = aws_efs_file_system.fs.id
  subnet_id       = "subnet-1"
  security_groups = [aws_security_group.efs.id]
}
resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = jsonencode([{ name = "c", image = "busybox" }])
  volume {
    name = "d"
    efs_volume_configuration {
      file_system_id     = aws_efs_file_system.fs.id
      transit_encryption = "ENABLED"
    }
  }
}
resource "aws_ecs_service" "s" {
  name            = "s"
  task_definition = aws_ecs_task_definition.t.arn
  network_configuration {
    subnets         = ["subnet-1"]
    security_groups = [aws_security_group.tasks.id]
  }
}
`;

  it("SE005 counts a prefix list as admitting, and fires when nothing admits the tasks", async () => {
    const prefixList =
      '  ingress {\n    from_port       = 2049\n    to_port         = 2049\n    protocol        = "tcp"\n    prefix_list_ids = ["pl-1"]\n  }\n';
    expect((await lint({ "main.tf": mounted(prefixList) })).findings).toEqual([]);
    expect(pairs(await lint({ "main.tf": mounted("") }))).toEqual(["SE005 aws_ecs_service.s"]);
  });

  it("SE005 leaves mount targets whose group is managed elsewhere", async () => {
    const report = await lint({ "main.tf": mounted("").replace("[aws_security_group.efs.id]", '["sg-0123"]') });
    expect(report.findings).toEqual([]);
    expect(report.notes).toContain(
      "SE005 aws_ecs_service.s: not checked, the rules of mount target group sg-0123 are not in this configuration",
    );
  });

  it("SE104 matches tags as strings, and a Backup selection of every volume", async () => {
    const pinned = (schedule: string) => `resource "aws_instance" "db" {
  ami       = "ami-1"
  user_data = "echo ECS_INSTANCE_ATTRIBUTES={\\"role\\":\\"db\\"} >> /etc/ecs/ecs.config"
}
resource "aws_cloudwatch_metric_alarm" "recover" {
  alarm_name          = "recover"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  alarm_actions       = ["arn:aws:automate:eu-west-1:ec2:recover"]
  dimensions          = { InstanceId = aws_instance.db.id }
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  tags              = { Backup = true }
}
resource "aws_volume_attachment" "data" {
  device_name = "/dev/xvdf"
  volume_id   = aws_ebs_volume.data.id
  instance_id = aws_instance.db.id
}
resource "aws_ecs_task_definition" "db" {
  family                = "db"
  container_definitions = "[]"
  volume {
    name      = "data"
    host_path = "/mnt/data"
  }
  placement_constraints {
    type       = "memberOf"
    expression = "attribute:role == db"
  }
}
resource "aws_backup_selection" "s" {
  name         = "s"
  plan_id      = "p"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
${schedule}}
`;
    const byTag = '  selection_tag {\n    type  = "STRINGEQUALS"\n    key   = "Backup"\n    value = "true"\n  }\n';
    expect((await lint({ "main.tf": pinned(byTag) })).findings).toEqual([]);
    expect((await lint({ "main.tf": pinned('  resources = ["arn:aws:ec2:*:*:volume/*"]\n') })).findings).toEqual([]);
    expect(pairs(await lint({ "main.tf": pinned('  resources = ["arn:aws:rds:*:*:db:*"]\n') }))).toEqual([
      "SE104 aws_ebs_volume.data",
    ]);
  });
});
