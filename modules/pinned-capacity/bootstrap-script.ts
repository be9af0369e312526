/** What the container instance's first-boot script needs to know. Values may be Terraform expressions. */
export interface BootstrapInput {
  readonly clusterName: string;
  /** `ECS_INSTANCE_ATTRIBUTES`: the custom attributes as one line of JSON. */
  readonly attributesJson: string;
  readonly volumeId: string;
  readonly region: string;
  readonly mountPath: string;
  readonly fileSystem: string;
  /** The device name the volume is attached as (Nitro instances rename it to an NVMe device). */
  readonly deviceName: string;
  /** Whether the instance attaches the volume itself (self-healing) or Terraform does (instance). */
  readonly attachVolume: boolean;
}

/*
 * The script is written without `${` and `%{`, which Terraform would read as its own interpolation and
 * directives (it is rendered inside a Terraform string); the @@NAME@@ placeholders are filled in afterwards
 * with values that may themselves be Terraform expressions.
 */
const HEADER = `#!/bin/bash
# stateful-ecs: attach the data volume, format it only if it is blank, mount it, and only then join the
# ECS cluster. The ECS agent starts after this script (ecs.service runs After=cloud-final.service).
set -euo pipefail
LOG_FILE=/var/log/stateful-ecs-bootstrap.log
FSTAB=/etc/fstab
ECS_CONFIG_FILE=/etc/ecs/ecs.config
ECS_DROP_IN_DIR=/etc/systemd/system/ecs.service.d
DEVICE_DIR=/dev/disk/by-id
IMDS=http://169.254.169.254/latest
exec >>"$LOG_FILE" 2>&1

VOLUME_ID="@@VOLUME_ID@@"
REGION="@@REGION@@"
MOUNT_PATH="@@MOUNT_PATH@@"
FS_TYPE="@@FS_TYPE@@"
INSTANCE_ID=""

# Any failure ends the script here (a failed command, an unset variable), with the ECS agent off for good:
# no task can ever write to the root disk in the volume's place.
on_exit() {
  status=$?
  [ "$status" -eq 0 ] && return
  set +e
  echo "stateful-ecs: bootstrap failed (exit $status); the ECS agent stays off"
  systemctl mask ecs.service
@@ON_FAILURE@@  exit "$status"
}
trap on_exit EXIT
`;

/**
 * Self-healing: a host that cannot get its volume has its group replace it, and the next host tries again.
 * SetInstanceHealth is ignored during the health check grace period unless told otherwise, and a boot that
 * fails within it would otherwise leave a dead host in service for good. When even that call cannot be
 * made (no instance id, no CLI, no permission), the host powers off: a stopped instance is unhealthy to its
 * group, which replaces it at once, without any API call from here.
 */
const REPLACE_ON_FAILURE = `  if [ -n "$INSTANCE_ID" ] && command -v aws >/dev/null &&
    aws autoscaling set-instance-health --region "$REGION" --instance-id "$INSTANCE_ID" \\
      --health-status Unhealthy --no-should-respect-grace-period; then
    echo "stateful-ecs: marked this instance unhealthy; its Auto Scaling group replaces it"
  else
    echo "stateful-ecs: could not mark this instance unhealthy; powering off so that its group replaces it"
    shutdown -h now
  fi
`;

const ATTACH = `
# Self-healing: first learn who this instance is (IMDSv2), before anything that can fail, so that every
# failure from here on can ask for a replacement.
IMDS_TOKEN=$(curl -sSf --retry 5 --retry-connrefused -X PUT "$IMDS/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
INSTANCE_ID=$(curl -sSf --retry 5 --retry-connrefused -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" "$IMDS/meta-data/instance-id")

# The ECS-optimized Amazon Linux 2023 AMI is built from the minimal image, without the AWS CLI: install it
# only where it is missing (a failed install takes the failure path above).
if ! command -v aws >/dev/null; then
  dnf install -y awscli-2
fi

# Wait until the previous instance has released the volume, then attach it here.
for attempt in $(seq 1 90); do
  STATE=$(aws ec2 describe-volumes --region "$REGION" --volume-ids "$VOLUME_ID" --query 'Volumes[0].State' --output text || echo unknown)
  [ "$STATE" = "available" ] && break
  echo "stateful-ecs: volume $VOLUME_ID is $STATE (attempt $attempt); waiting for it to be released"
  sleep 10
done
aws ec2 attach-volume --region "$REGION" --volume-id "$VOLUME_ID" --instance-id "$INSTANCE_ID" --device @@DEVICE@@
`;

const MOUNT = `
# Nitro instances show EBS volumes as NVMe devices named after the volume id; older ones keep the device name.
NVME_DEVICE="$DEVICE_DIR"/nvme-Amazon_Elastic_Block_Store_$(echo "$VOLUME_ID" | tr -d -)
DEVICE=""
for attempt in $(seq 1 120); do
  if [ -e "$NVME_DEVICE" ]; then DEVICE="$NVME_DEVICE"; break; fi
  if [ -e @@DEVICE@@ ]; then DEVICE=@@DEVICE@@; break; fi
  sleep 5
done
[ -n "$DEVICE" ]

# Never reformat: make a file system only when the device reads fine and carries no signature at all
# (blkid -p exits 2; it also exits 2 when it cannot open the device, hence the read first).
dd if="$DEVICE" of=/dev/null bs=4096 count=1 status=none
PROBE=0
blkid -p "$DEVICE" >/dev/null 2>&1 || PROBE=$?
if [ "$PROBE" -eq 2 ]; then
  echo "stateful-ecs: $DEVICE is blank; creating a $FS_TYPE file system"
  mkfs -t "$FS_TYPE" "$DEVICE"
elif [ "$PROBE" -ne 0 ]; then
  echo "stateful-ecs: cannot tell whether $DEVICE holds data (blkid exit $PROBE); refusing to format it"
  false
fi

UUID=$(blkid -s UUID -o value "$DEVICE")
mkdir -p "$MOUNT_PATH"
grep -q "UUID=$UUID " "$FSTAB" || echo "UUID=$UUID $MOUNT_PATH $FS_TYPE defaults,nofail 0 2" >>"$FSTAB"
systemctl daemon-reload
mount "$MOUNT_PATH"
mountpoint -q "$MOUNT_PATH"

# On this boot and every later one, the ECS agent does not start unless the volume is mounted.
mkdir -p "$ECS_DROP_IN_DIR"
printf '[Unit]\\nRequiresMountsFor=%s\\n' "$MOUNT_PATH" >"$ECS_DROP_IN_DIR"/stateful-ecs-volume.conf
systemctl daemon-reload

# Join the cluster last, with the attributes that pin tasks here. IMDS is closed to awsvpc tasks.
cat >>"$ECS_CONFIG_FILE" <<'ECS_CONFIG'
ECS_CLUSTER=@@CLUSTER@@
ECS_INSTANCE_ATTRIBUTES=@@ATTRIBUTES@@
ECS_AWSVPC_BLOCK_IMDS=true
ECS_ENABLE_TASK_IAM_ROLE=true
ECS_CONFIG
echo "stateful-ecs: $VOLUME_ID mounted at $MOUNT_PATH; joining the cluster"
`;

/** The first-boot script of a pinned container instance. */
export function bootstrapScript(input: BootstrapInput): string {
  const values: Record<string, string> = {
    VOLUME_ID: input.volumeId,
    REGION: input.region,
    MOUNT_PATH: input.mountPath,
    FS_TYPE: input.fileSystem,
    DEVICE: input.deviceName,
    CLUSTER: input.clusterName,
    ATTRIBUTES: input.attributesJson,
    ON_FAILURE: input.attachVolume ? REPLACE_ON_FAILURE : "",
  };
  const template = HEADER + (input.attachVolume ? ATTACH : "") + MOUNT;
  return template.replace(/@@([A-Z_]+)@@/g, (_match, name: string) => values[name]);
}
