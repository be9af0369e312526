/** What a `stateful-ecs` command prints and exits with. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Writes `text` and a newline (nothing when empty), resolving once it is flushed, even into a pipe. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((flushed) => (text ? stream.write(`${text}\n`, () => flushed()) : flushed()));
}

/**
 * Prints a result and exits with its code as soon as the output is flushed: the HCL parser's Go runtime may
 * keep a timer pending for most of a second after its last call, which would hold the process open for
 * nothing. For the command and the App's synth, the processes that read HCL.
 */
export async function exitWith(result: CliResult): Promise<never> {
  await write(process.stdout, result.stdout);
  await write(process.stderr, result.stderr);
  process.exit(result.code);
}
