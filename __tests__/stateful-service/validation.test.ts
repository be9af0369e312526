import { Fn, TerraformVariable, Testing, Token } from "cdktf";
import { Construct } from "constructs";
import { EfsStorage } from "../../modules/efs-storage";
import { StatefulService, StatefulServiceProps } from "../../modules/stateful-service";
import { MAX_REPLICAS, validateStatefulService } from "../../modules/stateful-service/validate";
import { existingNetwork, onlyResource, resources, testStack } from "../support/fixtures";
import { storageIn, zookeeper } from "./zookeeper";

const prefix = "StatefulService 'zk': ";

function build(props: Partial<StatefulServiceProps>, scope: Construct = testStack()): StatefulService {
  return new StatefulService(scope, "zk", { ...zookeeper(), ...props });
}

/**
 * Runs the construct's up-front checks on `props` alone, without building the ordinals: for the largest
 * values allowed, which would otherwise build dozens of services to show that nothing is refused.
 */
function accepts(props: Partial<StatefulServiceProps>, scope: Construct = testStack()): void {
  const all = { ...zookeeper(), ...props };
  const name = all.name!;
  validateStatefulService(
    new Construct(scope, "zk"),
    all,
    name,
    `${name}.internal`,
    all.retainedOrdinals ?? all.replicas,
  );
}

/** Valid props with per-ordinal storage, in `scope` (which must hold no other storage named `data`). */
function withEfs(scope: Construct, efs: Partial<NonNullable<StatefulServiceProps["efs"]>> = {}) {
  const storage = storageIn(scope);
  return { efs: { storage, containerPath: "/data", uid: 1000, gid: 1000, ...efs } };
}

describe("StatefulService rejects bad props", () => {
  it.each<[string, Partial<StatefulServiceProps>, string]>([
    ["no replicas", { replicas: 0 }, "replicas 0 is not a whole number from 1 to 50"],
    ["51 replicas", { replicas: 51 }, "replicas 51 is not a whole number from 1 to 50"],
    ["a fraction of a replica", { replicas: 1.5 }, "replicas 1.5 is not a whole number from 1 to 50"],
    [
      "fewer retained ordinals than replicas",
      { retainedOrdinals: 2 },
      "retainedOrdinals 2 is not a whole number from 3 to 50",
    ],
    ["51 retained ordinals", { retainedOrdinals: 51 }, "retainedOrdinals 51 is not a whole number from 3 to 50"],
    [
      "a name with upper case",
      { name: "Zk" },
      "name 'Zk' is not lower-case letters, digits and '-', starting with a letter, as a DNS label",
    ],
    [
      "a name with an underscore",
      { name: "z_k" },
      "name 'z_k' is not lower-case letters, digits and '-', starting with a letter, as a DNS label",
    ],
    [
      "a name ending in a hyphen",
      { name: "zk-" },
      "name 'zk-' is not lower-case letters, digits and '-', starting with a letter, as a DNS label",
    ],
    [
      "a name starting with a digit",
      { name: "0zk" },
      "name '0zk' is not lower-case letters, digits and '-', starting with a letter, as a DNS label",
    ],
    [
      "a namespace that is not a DNS name",
      { namespace: "cluster_internal" },
      "namespace 'cluster_internal' is not a DNS name such as 'cluster.internal'",
    ],
    [
      "an existing namespace whose name is not a DNS name",
      { namespace: { id: "ns-0123456789abcdef", name: "Cluster.Internal" } },
      "namespace 'Cluster.Internal' is not a DNS name such as 'cluster.internal'",
    ],
    [
      "a namespace with an empty label",
      { namespace: "cluster..internal" },
      "namespace 'cluster..internal' is not a DNS name",
    ],
    [
      "a namespace label longer than 63 characters",
      { namespace: `${"a".repeat(64)}.internal` },
      `namespace '${"a".repeat(64)}.internal' has the label '${"a".repeat(64)}', longer than 63 characters`,
    ],
    [
      "a bad container image, checked as the StatefulService's",
      { container: { name: "zookeeper", image: "zoo keeper", port: 2181 } },
      "container.image 'zoo keeper' is not an image reference",
    ],
    [
      "a container port out of range",
      { container: { name: "zookeeper", image: "zookeeper:3.9.3", port: 0 } },
      "container.port 0 is not a whole number from 1 to 65535",
    ],
    [
      "11 peer ports",
      { peerPorts: Array.from({ length: 11 }, (_, index) => 3000 + index) },
      "peerPorts has 11 ports; allowed: at most 10",
    ],
    ["a peer port 0", { peerPorts: [0] }, "peerPorts[0] 0 is not a whole number from 1 to 65535"],
    ["a peer port 70000", { peerPorts: [2888, 70000] }, "peerPorts[1] 70000 is not a whole number from 1 to 65535"],
    [
      "a peer port that is the container's port",
      { peerPorts: [2888, 2181] },
      "peerPorts has port 2181 twice (container.port counts too); give each port once",
    ],
    [
      "a peer port given twice",
      { peerPorts: [2888, 3888, 2888] },
      "peerPorts has port 2888 twice (container.port counts too); give each port once",
    ],
    ["a CPU size Fargate does not offer", { cpu: 300 }, "cpu 300 is not one of: 256, 512, 1024, 2048, 4096, 8192"],
    [
      "a memory size Fargate does not offer with the CPU",
      { cpu: 512, memory: 3000 },
      "memory 3000 is not offered with cpu 512; allowed: 1024 to 4096 MiB in steps of 1024",
    ],
    [
      "the default memory with a CPU it does not fit",
      { cpu: 1024 },
      "memory 512 is not offered with cpu 1024; allowed: 2048 to 8192 MiB in steps of 1024",
    ],
  ])("%s", (_case, props, message) => {
    expect(() => build(props)).toThrow(prefix + message);
  });

  it("allows at most MAX_REPLICAS ordinals, and exactly that many", () => {
    expect(MAX_REPLICAS).toBe(50);
    expect(() => accepts({ replicas: 50 })).not.toThrow();
  });

  it("replicas from a Terraform variable, which must be known at synth", () => {
    const stack = testStack();
    const replicas = Token.asNumber(new TerraformVariable(stack, "replicas", { type: "number" }).value);
    expect(() => build({ replicas }, stack)).toThrow(
      `${prefix}replicas must be known at synth: it decides how many ECS services exist`,
    );
  });

  it("replicas from a Terraform function, which must be known at synth", () => {
    expect(() => build({ replicas: Token.asNumber(Fn.max([1, 3])) })).toThrow(
      `${prefix}replicas must be known at synth`,
    );
  });

  it("retainedOrdinals from a Terraform variable", () => {
    const stack = testStack();
    const retainedOrdinals = new TerraformVariable(stack, "retained", { type: "number" }).numberValue;
    expect(() => build({ retainedOrdinals }, stack)).toThrow(`${prefix}retainedOrdinals must be known at synth`);
  });

  it("allowDestroy from a Terraform variable, which prevent_destroy cannot take", () => {
    const stack = testStack();
    const allowDestroy = new TerraformVariable(stack, "allow_destroy", { type: "bool" }).booleanValue;
    expect(() => build({ allowDestroy: allowDestroy as unknown as boolean }, stack)).toThrow(
      `${prefix}allowDestroy must be a literal value, not a Terraform expression: it sets lifecycle.prevent_destroy`,
    );
  });

  it("a name too long for the replica count, naming the longest name allowed", () => {
    // 52 characters fit with ordinals 0 to 9 ("<name>-9" is 54 characters), not with ordinal 10.
    const name = "a".repeat(52);
    expect(() => build({ name, replicas: 10 })).not.toThrow();
    expect(() => build({ name, replicas: 11 })).toThrow(
      `${prefix}name '${name}' is too long for 11 replicas: '${name}-10' must fit a DNS label and a role name prefix (at most 54 characters), so name may have at most 51`,
    );
    expect(() => build({ name: `${name}a`, replicas: 3 })).toThrow(
      `${prefix}name '${name}a' is too long for 3 replicas: '${name}a-2' must fit a DNS label and a role name prefix (at most 54 characters), so name may have at most 52`,
    );
  });

  it("a namespace that makes a host name longer than 253 characters", () => {
    // Four labels of 62 characters: 251 characters, and "zk-2." makes 256.
    const namespace = Array.from({ length: 4 }, (_, index) => String.fromCharCode(97 + index).repeat(62)).join(".");
    expect(namespace).toHaveLength(251);
    expect(() => build({ namespace })).toThrow(
      `${prefix}namespace '${namespace}' makes the host name 'zk-2.${namespace}' 256 characters long; DNS allows at most 253`,
    );
    // Four characters shorter, the host names are 252 characters: allowed.
    const shorter = namespace.slice(4);
    expect(() => build({ namespace: shorter })).not.toThrow();
  });

  it("a mount over the container's root", () => {
    const stack = testStack();
    expect(() => build(withEfs(stack, { containerPath: "/" }), stack)).toThrow(
      `${prefix}efs.containerPath '/' would mount over the container's root file system; mount a directory such as '/data'`,
    );
  });

  it("a relative container path", () => {
    const stack = testStack();
    expect(() => build(withEfs(stack, { containerPath: "data" }), stack)).toThrow(
      `${prefix}efs.containerPath 'data' is not an absolute path such as '/data'`,
    );
  });

  it("a negative uid", () => {
    const stack = testStack();
    expect(() => build(withEfs(stack, { uid: -1 }), stack)).toThrow(
      `${prefix}efs.uid -1 is not a whole number from 0 to 4294967295`,
    );
  });

  it("a gid over 4294967295", () => {
    const stack = testStack();
    expect(() => build(withEfs(stack, { gid: 4294967296 }), stack)).toThrow(
      `${prefix}efs.gid 4294967296 is not a whole number from 0 to 4294967295`,
    );
  });

  it("a directory mode that is not octal", () => {
    const stack = testStack();
    expect(() => build(withEfs(stack, { permissions: "999" }), stack)).toThrow(
      `${prefix}efs.permissions '999' is not an octal mode such as '750'`,
    );
  });

  it("checks before creating anything: a rejected service leaves the stack empty", () => {
    const stack = testStack();
    expect(() => build({ peerPorts: [0] }, stack)).toThrow(prefix);
    const zk = stack.node.tryFindChild("zk") as Construct;
    expect(zk.node.children).toEqual([]);
  });
});

describe("StatefulService accepts tokens where Terraform may decide", () => {
  it("a name from a Terraform variable: no error at construction or synth", () => {
    const stack = testStack();
    const name = new TerraformVariable(stack, "name", { type: "string" }).stringValue;
    const storage = new EfsStorage(stack, "data", { network: existingNetwork });
    const service = build(
      { name, efs: { storage, containerPath: "/data", uid: 1000, gid: 1000 }, allowDestroy: true },
      stack,
    );
    expect(service.ordinals).toHaveLength(3);
    const synthesized = { config: JSON.parse(Testing.synth(stack, true)) };
    expect(resources(synthesized, "aws_ecs_service").map((ecsService) => ecsService.name)).toEqual([
      "${var.name}-0",
      "${var.name}-1",
      "${var.name}-2",
    ]);
    expect(onlyResource(synthesized, "aws_service_discovery_private_dns_namespace").name).toBe("${var.name}.internal");
  });

  it("a peer port from a Terraform variable", () => {
    const stack = testStack();
    const port = new TerraformVariable(stack, "port", { type: "number" }).numberValue;
    expect(() => build({ peerPorts: [port] }, stack)).not.toThrow();
  });
});

describe("StatefulService refuses what AWS would refuse at apply", () => {
  it("more than 30 ordinals with efs: the file system policy would pass EFS's 20,000 characters", () => {
    const stack = testStack();
    expect(() => build({ ...withEfs(stack), replicas: 31 }, stack)).toThrow(
      `${prefix}replicas 31 is more than 30 with efs: each ordinal's grant is a statement of the file system policy, which EFS limits to 20,000 characters`,
    );
    const other = testStack();
    expect(() => build({ ...withEfs(other), replicas: 3, retainedOrdinals: 31 }, other)).toThrow(
      `${prefix}retainedOrdinals 31 is more than 30 with efs`,
    );
    const fine = testStack();
    expect(() => accepts({ ...withEfs(fine), replicas: 30 }, fine)).not.toThrow();
  });

  it("a name too long for the hosts of ebs storage, counting the retained ordinals", () => {
    const name = "a".repeat(45);
    expect(() => build({ name, retainedOrdinals: 10, ebs: { containerPath: "/data" } })).toThrow(
      `${prefix}name '${name}' is too long with ebs and 10 retained ordinals: the host name prefix '${name}-9' may have at most 46 characters, so name may have at most 44`,
    );
    expect(() => accepts({ name: name.slice(1), retainedOrdinals: 10, ebs: { containerPath: "/data" } })).not.toThrow();
  });

  it("a second service creating the same namespace in the stack (Route 53 refuses a second zone of that name)", () => {
    const stack = testStack();
    const first = new StatefulService(stack, "first", { ...zookeeper(), name: "one", namespace: "prod.internal" });
    expect(() => build({ name: "two", namespace: "prod.internal" }, stack)).toThrow(
      `${prefix}namespace 'prod.internal' is created by StatefulService 'first' already; give its namespace as { id, name } (its namespaceId and namespaceName) to share it`,
    );
    const shared = { id: first.namespaceId, name: first.namespaceName };
    expect(() => build({ name: "two", namespace: shared }, new Construct(stack, "again"))).not.toThrow();
  });

  it("two services of one name on one file system", () => {
    const stack = testStack();
    const efs = withEfs(stack);
    new StatefulService(new Construct(stack, "team-a"), "zk", { ...zookeeper(), namespace: "a.internal", ...efs });
    expect(() => build({ namespace: "b.internal", ...efs }, stack)).toThrow(
      `${prefix}name 'zk' is used by another service of EfsStorage 'data'; give each service sharing a file system its own name`,
    );
  });
});

describe("StatefulService wiring problems found late", () => {
  // Reported as a source bug: the reserved STATEFUL_* variables are not checked by validateStatefulService,
  // so the collision surfaces from an inner FargateService, after resources were created, naming neither
  // StatefulService nor the prop.
  it("a container variable that clashes with a STATEFUL_* variable is refused as the StatefulService's", () => {
    expect(() =>
      build({
        container: {
          name: "zookeeper",
          image: "zookeeper:3.9.3",
          port: 2181,
          environment: { STATEFUL_ORDINAL: "7" },
        },
      }),
    ).toThrow(new RegExp(`^${prefix}container\\.environment.*STATEFUL_ORDINAL`));
  });

  // Reported as a source bug: the access point map is created under the storage with the StatefulService's
  // construct id, which is only unique among the StatefulService's siblings.
  it("two StatefulServices with the same construct id in different scopes can share one EfsStorage", () => {
    const stack = testStack();
    const storage = new EfsStorage(stack, "data", { network: existingNetwork });
    const efs = { storage, containerPath: "/data", uid: 1000, gid: 1000 };
    new StatefulService(new Construct(stack, "team-a"), "zk", { ...zookeeper(), name: "zka", efs });
    expect(
      () => new StatefulService(new Construct(stack, "team-b"), "zk", { ...zookeeper(), name: "zkb", efs }),
    ).not.toThrow();
  });
});
