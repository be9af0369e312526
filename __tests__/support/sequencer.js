// Test order: the files that run Terraform go first, longest first, so they overlap with everything else
// instead of running alone at the end. Jest otherwise orders a fresh clone (no timing cache) by file size,
// which starts these small files late and leaves one worker idle while the last of them finishes.
const path = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

const TERRAFORM_HEAVY = [
  "properties/props.property.test.ts",
  "stacks/terraform.test.ts",
  "support/harness.test.ts",
  "examples/terraform-consumer.test.ts",
  "cli/vendored-modules.test.ts",
  "package/package.test.ts",
  "analysis/guards/fixtures-valid.test.ts",
];

class TerraformFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const relative = path.relative(path.join(test.context.config.rootDir, "__tests__"), test.path);
      const index = TERRAFORM_HEAVY.indexOf(relative.split(path.sep).join("/"));
      return index === -1 ? TERRAFORM_HEAVY.length : index;
    };
    return super.sort(tests).sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = TerraformFirstSequencer;
