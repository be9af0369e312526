// `node --import tsx synthesize-app.ts <outdir> <env as JSON>`: every example stack of main.ts into
// <outdir>, with the backend that <env> selects (TFC_ORGANIZATION...; this process's own environment is not
// read for it). A plain Node process: in Jest's module sandbox the same synthesis costs about twice the CPU.
import { App } from "cdktf";
import { addExampleStacks } from "../../main";

const [outdir, env] = process.argv.slice(2);
addExampleStacks(new App({ outdir }), JSON.parse(env)).synth();
