import * as fs from "node:fs";
import * as path from "node:path";
import { AddressList, updatedAddressList } from "../../analysis/review/address-stability";
import { synthesizeApp } from "../plan/synth";
import { formatted } from "./formatted";

/**
 * `npm run addresses [-- --accept-loss <address>]` (the option once per address): rewrites `stacks/stateful-addresses.json`, the
 * committed address of every resource that holds or protects data in every example stack, from the app as
 * it synthesizes now. It refuses while an address would be lost without a `moved` block, unless named
 * with `--accept-loss` (that data may be destroyed): updating the list must never hide a lost resource.
 */

const repo = path.resolve(__dirname, "..", "..");
const ADDRESS_LIST_FILE = path.join(repo, "stacks", "stateful-addresses.json");

async function main(args: string[]): Promise<number> {
  const acceptLoss = args.filter((_, index) => args[index - 1] === "--accept-loss");
  const committed: AddressList = fs.existsSync(ADDRESS_LIST_FILE)
    ? JSON.parse(fs.readFileSync(ADDRESS_LIST_FILE, "utf8"))
    : {};
  const app = await synthesizeApp(repo);
  const configs = Object.fromEntries(
    Object.entries(app.stacks).map(([stack, dir]) => [
      stack,
      JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")),
    ]),
  );
  const result = updatedAddressList(committed, configs, acceptLoss);
  if ("refused" in result) {
    console.error(
      [...result.refused, "Nothing written. Add the moves, or name the addresses with --accept-loss."].join("\n"),
    );
    return 1;
  }
  // Formatted as `npm run format` would, so rewriting an unchanged list changes nothing.
  fs.writeFileSync(ADDRESS_LIST_FILE, await formatted(ADDRESS_LIST_FILE, JSON.stringify(result.list)));
  const { moved, added, lost } = result.check;
  for (const entry of moved) console.log(`moved ${entry.stack}: ${entry.from} -> ${entry.to}`);
  for (const entry of added) console.log(`added ${entry.stack}: ${entry.address}`);
  for (const entry of lost) console.log(`dropped (loss accepted) ${entry.stack}: ${entry.address}`);
  console.log(`wrote ${path.relative(process.cwd(), ADDRESS_LIST_FILE)}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`npm run addresses: ${error.message}`);
      process.exit(1);
    },
  );
}
