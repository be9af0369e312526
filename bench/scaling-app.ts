import { App } from "cdktf";
import { ScalingStack } from "./scaling-stack";

/** `node --import tsx bench/scaling-app.ts <services> <outdir>`: synthesizes one scaling stack, nothing else. */
const [services, outdir] = process.argv.slice(2);
const app = new App({ outdir });
new ScalingStack(app, "scaling", {
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  services: Number(services),
});
app.synth();
