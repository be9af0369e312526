import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformResource } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { AddressList, checkAddresses, lostMessage, updatedAddressList } from "../../analysis/review/address-stability";
import { EXAMPLE_TARGET } from "../../main";
import { EfsFargateStack } from "../../stacks/efs-fargate";
import { synthesizeChanged, withConstructRenamed } from "../support/changed-stacks";
import { TerraformConfig, exampleStacks } from "../support/example-app";

/**
 * Addresses are part of the contract: `stacks/stateful-addresses.json` lists every resource that holds or
 * protects data in every example stack, and a committed address may only disappear when a `moved` block
 * carries its state. `npm run addresses` rewrites the list, and refuses to drop a lost address.
 */
const committed: AddressList = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, "../../stacks/stateful-addresses.json"), "utf8"),
);
const configs = () => Object.fromEntries(exampleStacks().map((stack) => [stack.name, stack.config]));
const readConfig = (dir: string): TerraformConfig => JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));

/** efs-fargate with its EFS construct `data` renamed `files`; `move` adds the moved blocks a rename needs. */
function renamedEfsFargate(move: boolean): TerraformConfig {
  const Renamed = withConstructRenamed(EfsFargateStack, "data", "files");
  const dir = synthesizeChanged((app: App) => {
    const stack = new Renamed(app, "efs-fargate", EXAMPLE_TARGET);
    if (move) {
      for (const resource of stack.storage.node.findAll().filter(TerraformResource.isTerraformResource)) {
        const below = resource.node.scopes
          .slice(resource.node.scopes.indexOf(stack.storage) + 1)
          .map((scope) => scope.node.id);
        resource.moveFromId(`${resource.terraformResourceType}.${makeUniqueId(["data", ...below])}`);
      }
    }
    return stack;
  });
  return readConfig(dir);
}

it("lists the stateful resources of every example stack exactly (else: npm run addresses)", () => {
  const check = checkAddresses(committed, configs());
  expect(check.lost.map(lostMessage)).toEqual([]);
  expect(check.moved).toEqual([]);
  expect(check.added).toEqual([]);
  expect(Object.keys(committed).sort()).toEqual(
    exampleStacks()
      .map((stack) => stack.name)
      .sort(),
  );
  expect(committed["efs-fargate"]).toContain("aws_efs_file_system.data_file-system_73DBD807");
});

describe("renaming the EFS construct of efs-fargate", () => {
  it("fails the check without a move: the file system and what protects it would be destroyed", () => {
    const check = checkAddresses(committed, { ...configs(), "efs-fargate": renamedEfsFargate(false) });
    expect(check.lost.map((entry) => entry.address)).toEqual(committed["efs-fargate"]);
    const fileSystem = check.lost.find((entry) => entry.address.startsWith("aws_efs_file_system."))!;
    expect(fileSystem.candidates).toEqual([expect.stringMatching(/^aws_efs_file_system\.files_file-system_/)]);
    expect(lostMessage(fileSystem)).toMatch(
      /^efs-fargate: aws_efs_file_system\.data_file-system_73DBD807 holds or protects data .* call moveFromId\("aws_efs_file_system\.data_file-system_73DBD807"\)/,
    );
  });

  it("passes with moveFromId on each renamed resource: the moved blocks carry the state", () => {
    const renamed = renamedEfsFargate(true);
    const check = checkAddresses(committed, { ...configs(), "efs-fargate": renamed });
    expect(check.lost).toEqual([]);
    expect(check.moved.map((entry) => entry.from)).toEqual(committed["efs-fargate"]);
    const fileSystem = check.moved.find((entry) => entry.from === "aws_efs_file_system.data_file-system_73DBD807")!;
    expect(fileSystem.to).toMatch(/^aws_efs_file_system\.files_file-system_/);
    expect(renamed.moved).toContainEqual({ from: fileSystem.from, to: fileSystem.to });
  });
});

describe("updating the list (npm run addresses)", () => {
  const list: AddressList = { stack: ["aws_ebs_volume.data", "aws_efs_file_system.files"] };
  const resource = (...addresses: string[]) =>
    Object.fromEntries(
      [...new Set(addresses.map((address) => address.split(".")[0]))].map((type) => [
        type,
        Object.fromEntries(
          addresses.filter((address) => address.startsWith(`${type}.`)).map((address) => [address.split(".")[1], {}]),
        ),
      ]),
    );

  it("refuses while an address is lost without a move, naming it", () => {
    const result = updatedAddressList(list, {
      stack: { resource: resource("aws_ebs_volume.renamed", "aws_efs_file_system.files") },
    });
    expect(result).toEqual({ refused: [expect.stringContaining("stack: aws_ebs_volume.data holds or protects data")] });
  });

  it("drops a lost address the caller accepts to lose, and follows a chain of moves", () => {
    const accepted = updatedAddressList(list, { stack: { resource: resource("aws_efs_file_system.files") } }, [
      "aws_ebs_volume.data",
    ]);
    expect(accepted).toMatchObject({ list: { stack: ["aws_efs_file_system.files"] } });
    const chained = checkAddresses(list, {
      stack: {
        resource: resource("aws_ebs_volume.third", "aws_efs_file_system.files"),
        moved: [
          { from: "aws_ebs_volume.data", to: "aws_ebs_volume.second" },
          { from: "aws_ebs_volume.second", to: "aws_ebs_volume.third" },
        ],
      },
    });
    expect(chained).toEqual({
      lost: [],
      moved: [{ stack: "stack", from: "aws_ebs_volume.data", to: "aws_ebs_volume.third" }],
      added: [{ stack: "stack", address: "aws_ebs_volume.third" }],
    });
  });

  it("counts a stack removed from the app as losing every address", () => {
    expect(checkAddresses(list, {}).lost.map((entry) => entry.address)).toEqual(list.stack);
  });
});
