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

let settled = false;
// Node exits when nothing is left to wait for, even if the command's promise never settled: say so.
process.on("beforeExit", () => {
  if (settled) return;
  settled = true;
  console.error("stateful-ecs: internal error: the command stopped before it finished");
  process.exitCode = 1;
});
cli.run(process.argv.slice(2)).then(
  (result) => {
    settled = true;
    return cli.exitWith(result);
  },
  (error) => {
    settled = true;
    return cli.exitWith({ code: 1, stdout: "", stderr: `stateful-ecs: ${error && error.stack ? error.stack : error}` });
  },
);
