// Runs once before the test run: every temporary directory the run makes (cdktf's Testing apps, synthesized
// stacks, Terraform working copies, CLI configs) goes under one directory of its own, removed at the end.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

module.exports = async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-test-run-"));
  process.env.STATEFUL_ECS_TEST_TMP = root;
  process.env.TMPDIR = root; // os.tmpdir() reads it on every call, here and in the test workers
};
