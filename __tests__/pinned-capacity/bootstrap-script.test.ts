import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BootstrapInput, bootstrapScript } from "../../modules/pinned-capacity";

/**
 * Runs the real first-boot script with stand-ins for the system commands it calls (blkid, mkfs, mount,
 * systemctl, curl, aws), and its system paths moved into a temporary directory, to prove what it does on
 * a blank volume, on a volume with data, and when something goes wrong.
 */

const VOLUME_ID = "vol-0123456789abcdef0";

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
}

const STUBS: Record<string, string> = {
  blkid: `if [ "$1" = "-p" ]; then exit "$PROBE_EXIT"; fi; echo 1111-2222`,
  mkfs: "true",
  mount: `[ -e "$ECS_CONFIG_FILE_PATH" ] && echo "CONFIG-WRITTEN-BEFORE-MOUNT" >>"$CALLS"; true`,
  mountpoint: "true",
  systemctl: "true",
  sleep: "true",
  dnf: "true",
  curl: `case "$*" in *api/token*) echo imds-token ;; *) echo i-0fake ;; esac`,
  aws: `case "$*" in
  *describe-volumes*) n=$(cat "$ROOT/describe-count" 2>/dev/null || echo 0); echo $((n + 1)) >"$ROOT/describe-count"
    case "$n" in 0) echo "throttled" >&2; exit 1 ;; 1) echo in-use ;; *) echo available ;; esac ;;
  *attach-volume*) [ "$DEVICE_APPEARS" = yes ] && touch "$DEVICE_FILE" ;;
esac`,
};

function runBootstrap(scenario: Scenario): Run {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-"));
  const bin = path.join(root, "bin");
  const devices = path.join(root, "dev");
  const mountPath = path.join(root, "mnt", "data");
  fs.mkdirSync(bin);
  fs.mkdirSync(devices);
  const calls = path.join(root, "calls");
  for (const [name, body] of Object.entries(STUBS)) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >>"$CALLS"\n${body}\n`, { mode: 0o755 });
  }
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
  for (const [original, replacement] of Object.entries(moved)) {
    if (!script.includes(original)) throw new Error(`the script no longer contains '${original}'`);
    script = script.replace(original, replacement);
  }
  fs.writeFileSync(path.join(root, "bootstrap.sh"), script);
  fs.writeFileSync(calls, "");

  const result = spawnSync("bash", [path.join(root, "bootstrap.sh")], {
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      CALLS: calls,
      ROOT: root,
      PROBE_EXIT: String(scenario.probeExit),
      DEVICE_APPEARS: scenario.deviceAppears === false ? "no" : "yes",
      DEVICE_FILE: deviceFile,
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

  it("creates the file system once, on the volume's NVMe device", () => {
    const mkfs = result.calls.filter((call) => call.startsWith("mkfs "));
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
    expect(result.calls.filter((call) => call.startsWith("mkfs"))).toEqual([]);
    expect(result.calls).toContain(`mount ${result.mountPath}`);
    expect(result.read("ecs.config")).toContain("ECS_CLUSTER=main");
  });
});

describe.each([
  ["blkid cannot tell whether the device holds data", { probeExit: 8 }],
  ["the device never appears", { probeExit: 2, deviceAppears: false }],
])("bootstrap script when %s", (_case, scenario) => {
  let result: Run;
  beforeAll(() => {
    result = run(scenario);
  });

  it("fails, formats nothing, never joins the cluster and keeps the ECS agent off", () => {
    expect(result.status).not.toBe(0);
    expect(result.calls.filter((call) => call.startsWith("mkfs"))).toEqual([]);
    expect(result.read("ecs.config")).toBeUndefined();
    expect(result.calls).toContain("systemctl mask ecs.service");
  });
});

describe("bootstrap script in self-healing mode", () => {
  let result: Run;
  beforeAll(() => {
    result = run({ probeExit: 0, attachVolume: true });
  });

  it("waits through errors until the volume is released, then attaches it to this instance", () => {
    expect(result.status).toBe(0);
    const awsCalls = result.calls.filter((call) => call.startsWith("aws "));
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

describe.each([
  [
    "self-healing",
    true,
    ["aws autoscaling set-instance-health --region eu-west-1 --instance-id i-0fake --health-status Unhealthy"],
  ],
  ["instance", false, []],
])("bootstrap script failing in %s mode", (_mode, attachVolume, replacement) => {
  let result: Run;
  beforeAll(() => {
    result = run({ probeExit: 8, attachVolume });
  });

  it("keeps the agent off, and asks for a replacement host only when a group can provide one", () => {
    expect(result.status).not.toBe(0);
    expect(result.calls).toContain("systemctl mask ecs.service");
    expect(result.calls.filter((call) => call.startsWith("aws autoscaling"))).toEqual(replacement);
  });
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

  it("attaches the volume itself only in self-healing mode", () => {
    expect([scriptFor(true), scriptFor(false)].map((script) => script.includes("aws ec2 attach-volume"))).toEqual([
      true,
      false,
    ]);
  });
});
