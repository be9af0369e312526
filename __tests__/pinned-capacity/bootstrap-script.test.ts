import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BootstrapInput, bootstrapScript } from "../../modules/pinned-capacity/bootstrap-script";
import { linkTools } from "../support/stand-ins";

/**
 * Runs the real first-boot script with stand-ins for the system commands it calls (blkid, mkfs, mount,
 * systemctl, curl, aws, dnf, shutdown), its system paths moved into a temporary directory, and a PATH that
 * holds only the stand-ins and the few real tools it uses, to prove what it does on a blank volume, on a
 * volume with data, and on every way a boot can fail.
 */

const VOLUME_ID = "vol-0123456789abcdef0";
const MARK_UNHEALTHY =
  "aws autoscaling set-instance-health --region eu-west-1 --instance-id i-0fake --health-status Unhealthy --no-should-respect-grace-period";

interface Run {
  readonly status: number | null;
  /** Every stand-in call, one line each: `command args...`. */
  readonly calls: string[];
  readonly root: string;
  readonly mountPath: string;
  read(relative: string): string | undefined;
}

interface Scenario {
  /** Exit code of `blkid -p`: 0 = a signature (data), 2 = blank, other = cannot tell. */
  readonly probeExit: number;
  /** Whether the volume's device shows up at all. */
  readonly deviceAppears?: boolean;
  readonly attachVolume?: boolean;
  /** The AWS CLI: on the image, installable with dnf, or neither. @default "present" */
  readonly cli?: "present" | "installable" | "missing";
  /** Whether `aws ec2 attach-volume` fails (a volume still attached elsewhere, a missing permission). */
  readonly attachFails?: boolean;
  /** Whether `aws autoscaling set-instance-health` fails. */
  readonly unhealthyFails?: boolean;
  /** Whether the instance metadata service does not answer. */
  readonly imdsFails?: boolean;
  /** A line put into the script before it looks for the device, to make it fail another way. */
  readonly inject?: string;
}

const AWS_STUB = `case "$*" in
  *describe-volumes*) n=$(cat "$ROOT/describe-count" 2>/dev/null || echo 0); echo $((n + 1)) >"$ROOT/describe-count"
    case "$n" in 0) echo "throttled" >&2; exit 1 ;; 1) echo in-use ;; *) echo available ;; esac ;;
  *attach-volume*) if [ "$ATTACH_FAILS" = yes ]; then echo "VolumeInUse" >&2; exit 1; fi
    if [ "$DEVICE_APPEARS" = yes ]; then touch "$DEVICE_FILE"; fi ;;
  *set-instance-health*) if [ "$UNHEALTHY_FAILS" = yes ]; then echo "AccessDenied" >&2; exit 1; fi ;;
esac
exit 0`;

const STUBS: Record<string, string> = {
  blkid: `if [ "$1" = "-p" ]; then exit "$PROBE_EXIT"; fi; echo 1111-2222`,
  mkfs: "true",
  mount: `[ -e "$ECS_CONFIG_FILE_PATH" ] && echo "CONFIG-WRITTEN-BEFORE-MOUNT" >>"$CALLS"; true`,
  mountpoint: "true",
  systemctl: "true",
  sleep: "true",
  shutdown: "true",
  touch: `: >"$1"`,
  curl: `[ "$IMDS_FAILS" = yes ] && exit 7; case "$*" in *api/token*) echo imds-token ;; *) echo i-0fake ;; esac`,
  // dnf installs the AWS CLI stand-in, or fails as an install without a network does.
  dnf: `[ "$CLI" = installable ] || exit 1; cp "$ROOT/aws-stub" "$BIN/aws"`,
};

function stub(name: string, body: string): string {
  return `#!/bin/bash\necho "${name} $*" >>"$CALLS"\n${body}\n`;
}

function runBootstrap(scenario: Scenario): Run {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-"));
  const bin = path.join(root, "bin");
  const devices = path.join(root, "dev");
  const mountPath = path.join(root, "mnt", "data");
  fs.mkdirSync(bin);
  fs.mkdirSync(devices);
  linkTools(bin, ["bash", "seq", "tr", "dd", "mkdir", "grep", "cat", "cp"]);
  for (const [name, body] of Object.entries(STUBS)) {
    fs.writeFileSync(path.join(bin, name), stub(name, body), { mode: 0o755 });
  }
  fs.writeFileSync(path.join(root, "aws-stub"), stub("aws", AWS_STUB), { mode: 0o755 });
  const cli = scenario.cli ?? "present";
  if (cli === "present") fs.copyFileSync(path.join(root, "aws-stub"), path.join(bin, "aws"));
  const deviceFile = path.join(devices, `nvme-Amazon_Elastic_Block_Store_${VOLUME_ID.replace("-", "")}`);
  if (scenario.deviceAppears !== false && !scenario.attachVolume) fs.writeFileSync(deviceFile, "");

  const input: BootstrapInput = {
    clusterName: "main",
    attributesJson: '{"role":"db-primary"}',
    volumeId: VOLUME_ID,
    region: "eu-west-1",
    mountPath,
    fileSystem: "xfs",
    // The fallback device name, under the temporary root so that no device of this machine can match.
    deviceName: path.join(devices, "xvdf"),
    attachVolume: scenario.attachVolume === true,
  };
  const moved: Record<string, string> = {
    "LOG_FILE=/var/log/stateful-ecs-bootstrap.log": `LOG_FILE=${root}/bootstrap.log`,
    "FSTAB=/etc/fstab": `FSTAB=${root}/fstab`,
    "ECS_CONFIG_FILE=/etc/ecs/ecs.config": `ECS_CONFIG_FILE=${root}/ecs.config`,
    "ECS_DROP_IN_DIR=/etc/systemd/system/ecs.service.d": `ECS_DROP_IN_DIR=${root}/ecs.service.d`,
    "DEVICE_DIR=/dev/disk/by-id": `DEVICE_DIR=${devices}`,
  };
  let script = bootstrapScript(input);
  if (scenario.inject) script = script.replace("\n# Nitro instances", `\n${scenario.inject}\n# Nitro instances`);
  for (const [original, replacement] of Object.entries(moved)) {
    if (!script.includes(original)) throw new Error(`the script no longer contains '${original}'`);
    script = script.replace(original, replacement);
  }
  fs.writeFileSync(path.join(root, "bootstrap.sh"), script);
  fs.writeFileSync(path.join(root, "calls"), "");

  const yes = (flag: boolean | undefined) => (flag ? "yes" : "no");
  const result = spawnSync(path.join(bin, "bash"), [path.join(root, "bootstrap.sh")], {
    env: {
      PATH: bin,
      // A home of its own: bash reads ~/.bashrc when its standard input is a socket (as a child of Node's is),
      // and this machine's would put its own folders on PATH ahead of the stand-ins.
      HOME: root,
      BIN: bin,
      CALLS: path.join(root, "calls"),
      ROOT: root,
      CLI: cli,
      PROBE_EXIT: String(scenario.probeExit),
      DEVICE_APPEARS: yes(scenario.deviceAppears !== false),
      DEVICE_FILE: deviceFile,
      ATTACH_FAILS: yes(scenario.attachFails),
      UNHEALTHY_FAILS: yes(scenario.unhealthyFails),
      IMDS_FAILS: yes(scenario.imdsFails),
      ECS_CONFIG_FILE_PATH: path.join(root, "ecs.config"),
    },
    timeout: 30_000,
  });
  const read = (relative: string) => {
    const file = path.join(root, relative);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  };
  return { status: result.status, calls: (read("calls") ?? "").split("\n").filter(Boolean), root, mountPath, read };
}

const runs: Run[] = [];
const run = (scenario: Scenario) => {
  const result = runBootstrap(scenario);
  runs.push(result);
  return result;
};
afterAll(() => runs.forEach((result) => fs.rmSync(result.root, { recursive: true, force: true })));

const callsOf = (result: Run, command: string) => result.calls.filter((call) => call.startsWith(`${command} `));

describe("bootstrap script on a blank volume", () => {
  let result: Run;
  beforeAll(() => {
    result = run({ probeExit: 2 });
  });
  const device = (call: string) => call.split(" ").pop();

  it("succeeds and leaves the ECS agent enabled", () => {
    expect(result.status).toBe(0);
    expect(result.calls.filter((call) => call.startsWith("systemctl mask"))).toEqual([]);
  });

  it("installs nothing and calls no AWS API when Terraform attaches the volume", () => {
    expect([...callsOf(result, "dnf"), ...callsOf(result, "aws"), ...callsOf(result, "curl")]).toEqual([]);
  });

  it("creates the file system once, on the volume's NVMe device", () => {
    const mkfs = callsOf(result, "mkfs");
    expect(mkfs).toHaveLength(1);
    expect(mkfs[0]).toMatch(/^mkfs -t xfs \S+\/nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0$/);
    expect(device(mkfs[0])).toContain(VOLUME_ID.replace("-", ""));
  });

  it("mounts it with an fstab entry by UUID", () => {
    expect(result.read("fstab")).toBe(`UUID=1111-2222 ${result.mountPath} xfs defaults,nofail 0 2\n`);
    expect(result.calls).toContain(`mount ${result.mountPath}`);
  });

  it("keeps the ECS agent from starting without the mount, on every boot", () => {
    expect(result.read("ecs.service.d/stateful-ecs-volume.conf")).toBe(
      `[Unit]\nRequiresMountsFor=${result.mountPath}\n`,
    );
  });

  it("joins the cluster with the attributes only after the volume is mounted", () => {
    expect(result.read("ecs.config")).toBe(
      [
        "ECS_CLUSTER=main",
        'ECS_INSTANCE_ATTRIBUTES={"role":"db-primary"}',
        "ECS_AWSVPC_BLOCK_IMDS=true",
        "ECS_ENABLE_TASK_IAM_ROLE=true",
        "",
      ].join("\n"),
    );
    expect(result.calls).not.toContain("CONFIG-WRITTEN-BEFORE-MOUNT");
  });
});

describe("bootstrap script on a volume that has data", () => {
  let result: Run;
  beforeAll(() => {
    result = run({ probeExit: 0 });
  });

  it("never formats it, and mounts it and joins the cluster", () => {
    expect(result.status).toBe(0);
    expect(result.calls.filter((call) => call.startsWith("systemctl mask"))).toEqual([]);
    expect(callsOf(result, "mkfs")).toEqual([]);
    expect(result.calls).toContain(`mount ${result.mountPath}`);
    expect(result.read("ecs.config")).toContain("ECS_CLUSTER=main");
  });
});

describe.each([
  ["blkid cannot tell whether the device holds data", { probeExit: 8 }],
  ["the device never appears", { probeExit: 2, deviceAppears: false }],
])("bootstrap script in instance mode when %s", (_case, scenario) => {
  let result: Run;
  beforeAll(() => {
    result = run(scenario);
  });

  it("fails, formats nothing, never joins the cluster and keeps the ECS agent off", () => {
    expect(result.status).not.toBe(0);
    expect(callsOf(result, "mkfs")).toEqual([]);
    expect(result.read("ecs.config")).toBeUndefined();
    expect(result.calls).toContain("systemctl mask ecs.service");
  });

  it("keeps the instance up for a person to look at (EC2 recovery has no group to replace it)", () => {
    expect([...callsOf(result, "aws"), ...callsOf(result, "shutdown")]).toEqual([]);
  });
});

describe("bootstrap script in self-healing mode", () => {
  let result: Run;
  beforeAll(() => {
    result = run({ probeExit: 0, attachVolume: true });
  });

  it("reads its instance id (IMDSv2) before anything else", () => {
    expect(result.calls.slice(0, 2)).toEqual([
      expect.stringMatching(/^curl .*-X PUT .*\/latest\/api\/token/),
      expect.stringMatching(/^curl .*X-aws-ec2-metadata-token: imds-token .*\/latest\/meta-data\/instance-id$/),
    ]);
  });

  it("installs nothing when the AWS CLI is there", () => {
    expect(callsOf(result, "dnf")).toEqual([]);
  });

  it("waits through errors until the volume is released, then attaches it to this instance", () => {
    expect(result.status).toBe(0);
    const awsCalls = callsOf(result, "aws");
    expect(awsCalls.map((call) => call.split(" ")[2])).toEqual([
      "describe-volumes",
      "describe-volumes",
      "describe-volumes",
      "attach-volume",
    ]);
    expect(awsCalls[3]).toBe(
      `aws ec2 attach-volume --region eu-west-1 --volume-id ${VOLUME_ID} --instance-id i-0fake --device ${result.root}/dev/xvdf`,
    );
    expect(result.read("ecs.config")).toContain("ECS_CLUSTER=main");
    expect(result.calls.filter((call) => call.startsWith("systemctl mask"))).toEqual([]);
  });
});

describe("bootstrap script in self-healing mode on an image without the AWS CLI", () => {
  let result: Run;
  beforeAll(() => {
    result = run({ probeExit: 0, attachVolume: true, cli: "installable" });
  });

  it("installs it once the instance id is known, then attaches the volume and joins", () => {
    expect(result.status).toBe(0);
    const order = result.calls.map((call) => call.split(" ")[0]);
    expect(order.indexOf("dnf")).toBeGreaterThan(order.lastIndexOf("curl"));
    expect(callsOf(result, "dnf")).toEqual(["dnf install -y awscli-2"]);
    expect(callsOf(result, "aws").pop()).toMatch(/^aws ec2 attach-volume /);
    expect(result.read("ecs.config")).toContain("ECS_CLUSTER=main");
  });
});

/** Each way a self-healing boot can fail, and how the host must then leave service. */
describe.each([
  ["the AWS CLI is missing and cannot be installed", { cli: "missing" as const }, { marked: false, poweredOff: true }],
  ["attaching the volume fails in the first minute", { attachFails: true }, { marked: true, poweredOff: false }],
  ["blkid cannot tell whether the device holds data", { probeExit: 8 }, { marked: true, poweredOff: false }],
  [
    "the call that marks it unhealthy fails too",
    { probeExit: 8, unhealthyFails: true },
    { marked: true, poweredOff: true },
  ],
  ["the instance metadata service does not answer", { imdsFails: true }, { marked: false, poweredOff: true }],
  ["a command uses an unset variable", { inject: ': "$NOT_SET"' }, { marked: true, poweredOff: false }],
])("bootstrap script failing in self-healing mode when %s", (_case, scenario, expected) => {
  let result: Run;
  beforeAll(() => {
    result = run({ probeExit: 0, attachVolume: true, ...scenario });
  });

  it("keeps the agent off and never joins the cluster", () => {
    expect(result.status).not.toBe(0);
    expect(result.calls).toContain("systemctl mask ecs.service");
    expect(result.read("ecs.config")).toBeUndefined();
    expect(callsOf(result, "mkfs")).toEqual([]);
  });

  it(
    expected.poweredOff
      ? "powers off, so that its group sees a stopped instance and replaces it"
      : "has its group replace it at once, grace period or not",
    () => {
      expect(callsOf(result, "aws autoscaling")).toEqual(expected.marked ? [MARK_UNHEALTHY] : []);
      expect(callsOf(result, "shutdown")).toEqual(expected.poweredOff ? ["shutdown -h now"] : []);
    },
  );
});

describe("bootstrap script template", () => {
  const scriptFor = (attachVolume: boolean) =>
    bootstrapScript({
      clusterName: "main",
      attributesJson: "{}",
      volumeId: VOLUME_ID,
      region: "eu-west-1",
      mountPath: "/mnt/data",
      fileSystem: "xfs",
      deviceName: "/dev/xvdf",
      attachVolume,
    });

  it("holds no Terraform template syntax of its own, so only the values' references are interpolated", () => {
    for (const script of [scriptFor(true), scriptFor(false)]) {
      expect(script).not.toMatch(/[$%]\{/);
      expect(script).not.toContain("@@");
    }
  });

  it("attaches the volume itself, and may be replaced, only in self-healing mode", () => {
    const has = (text: string) => [scriptFor(true), scriptFor(false)].map((script) => script.includes(text));
    expect(has("aws ec2 attach-volume")).toEqual([true, false]);
    expect(has("shutdown -h now")).toEqual([true, false]);
  });
});
