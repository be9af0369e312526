import * as fs from "node:fs";
import * as path from "node:path";
import { readConfiguration } from "../../analysis/config/load";
import { RULE_TYPES, runGuards } from "../../analysis/guards";
import { countFindings, findingLine } from "./text";

/**
 * The guards at synth: every stack a cdktf App wrote to `outdir` (as its manifest lists them) is linted.
 * Errors abort synth (the caller exits 1), warnings and silenced findings are printed with the stack name.
 */

export interface SynthGuardResult {
  /** 0 when no stack has an error finding, else 1. */
  readonly code: number;
  /** One line per finding (`<stack>: <finding line>`), then one line that says whether synth passes. */
  readonly lines: string[];
}

export async function guardSynthesizedApp(outdir: string): Promise<SynthGuardResult> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const lines: string[] = [];
  let errors = 0;
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    const configuration = await readConfiguration(path.join(outdir, stack.synthesizedStackPath), {
      evaluateTypes: RULE_TYPES,
    });
    const { findings } = runGuards(configuration);
    errors += countFindings(findings).errors;
    lines.push(...findings.map((finding) => `${name}: ${findingLine(finding)}`));
  }
  const stacks = Object.keys(manifest.stacks).length;
  lines.push(
    errors > 0
      ? `stateful-ecs guards: ${errors} error${errors === 1 ? "" : "s"} in the synthesized stacks; synth fails (fix them, or silence a rule with the construct's guardExceptions prop and a reason)`
      : `stateful-ecs guards: no error in ${stacks} stack${stacks === 1 ? "" : "s"}`,
  );
  return { code: errors > 0 ? 1 : 0, lines };
}
