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

cli.run(process.argv.slice(2)).then(
  (result) => {
    if (result.stdout) console.log(result.stdout);
    if (result.stderr) console.error(result.stderr);
    process.exitCode = result.code;
  },
  (error) => {
    console.error(`stateful-ecs: ${error && error.stack ? error.stack : error}`);
    process.exitCode = 1;
  },
);
