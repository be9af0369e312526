#!/usr/bin/env node
// The `stateful-ecs` command. A clone of the repository runs the TypeScript sources through tsx; the
// installed package, which ships no sources, runs the compiled JavaScript.
const fs = require("node:fs");
const path = require("node:path");

const source = path.join(__dirname, "..", "main.ts");
let cli;
if (fs.existsSync(source)) {
  require("tsx/cjs");
  cli = require(source);
} else {
  cli = require(path.join(__dirname, "..", "..", "dist", "cli", "main.js"));
}

/** Writes `text` and a newline (nothing when empty), resolving once it is flushed, even into a pipe. */
const write = (stream, text) => new Promise((resolve) => (text ? stream.write(`${text}\n`, resolve) : resolve()));

let settled = false;
// Node exits when nothing is left to wait for, even if the command's promise never settled: say so.
process.on("beforeExit", () => {
  if (settled) return;
  settled = true;
  console.error("stateful-ecs: internal error: the command stopped before it finished");
  process.exitCode = 1;
});
// Exit as soon as the output is written: the HCL parser's Go runtime may keep a timer pending for most of
// a second after its last call, which would hold the process open for nothing.
cli.run(process.argv.slice(2)).then(
  async (result) => {
    settled = true;
    await write(process.stdout, result.stdout);
    await write(process.stderr, result.stderr);
    process.exit(result.code);
  },
  async (error) => {
    settled = true;
    await write(process.stderr, `stateful-ecs: ${error && error.stack ? error.stack : error}`);
    process.exit(1);
  },
);
