import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isConfigurationFile, offlinePlan, runTerraform } from "./terraform";
import { Toolchain } from "./toolchain";
import { TerraformJson, offlineStack } from "./workspace-files";

/**
 * `terraform plan` of one synthesized stack, returning the plan as `terraform show -json` prints it.
 *
 * - `planOnline`: in the stack's own directory, with its backend and state and the caller's credentials
 *   and CLI configuration, exactly as `cdktf diff` / `cdktf deploy` would; the binary plan is kept.
 * - `planOffline`: in a temporary copy without the backend (an empty local state), with dummy credentials
 *   and the AWS provider's skip settings: every resource plans as new, and no AWS account is needed.
 */

/** The caller's environment, told that no one answers prompts. */
function automationEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
}

/** @param planFile where the binary plan is written, for a later `terraform apply <planFile>` */
export async function planOnline(terraform: string, stackDir: string, planFile: string): Promise<string> {
  const toolchain: Toolchain = { terraform, terraformVersion: "" };
  const run = (args: string[]) => runTerraform(toolchain, stackDir, args, [0], automationEnv());
  await run(["init", "-input=false", "-no-color"]);
  await run(["plan", "-input=false", "-no-color", `-out=${planFile}`]);
  return run(["show", "-json", "-no-color", planFile]);
}

export async function planOffline(toolchain: Toolchain, stackDir: string): Promise<string> {
  const config: TerraformJson = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-offline-plan-"));
  try {
    fs.cpSync(stackDir, copy, { recursive: true, filter: isConfigurationFile });
    // Indented: Terraform quotes the lines around an error, which must not be the whole configuration.
    fs.writeFileSync(path.join(copy, "cdk.tf.json"), JSON.stringify(offlineStack(config), null, 2));
    await runTerraform(toolchain, copy, ["init", "-input=false", "-no-color"]);
    return await offlinePlan(toolchain, copy);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}
