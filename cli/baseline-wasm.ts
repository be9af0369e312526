import * as v8 from "node:v8";

/**
 * Imported for its effect, first, by every process that reads HCL (the command, the App's synth, the test
 * workers): V8 compiles the HCL parser's 6.5 MB of WebAssembly with its baseline compiler only. The parser
 * runs for a second at most, so the optimizing recompile never pays off: it competes for the CPU and holds
 * the process open about 0.3 s after the work is done (long enough for Jest to force-exit its workers).
 */
v8.setFlagsFromString("--liftoff-only");
