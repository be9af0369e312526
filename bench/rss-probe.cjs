// Preloaded into every Node process the benchmark measures (NODE_OPTIONS=--require): at exit, writes the
// process's peak resident set size in KiB to $BENCH_RSS_DIR/<pid>, so the parent can read the peak.
const fs = require("node:fs");
const path = require("node:path");

process.on("exit", () => {
  const dir = process.env.BENCH_RSS_DIR;
  if (dir) fs.writeFileSync(path.join(dir, String(process.pid)), String(process.resourceUsage().maxRSS));
});
