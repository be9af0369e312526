// Removes the run's temporary directory (kept with STATEFUL_ECS_KEEP_WORKDIRS=1, to look at failures).
const fs = require("node:fs");

module.exports = async () => {
  const root = process.env.STATEFUL_ECS_TEST_TMP;
  if (root && process.env.STATEFUL_ECS_KEEP_WORKDIRS !== "1") fs.rmSync(root, { recursive: true, force: true });
};
