/** What a `stateful-ecs` command prints and exits with. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
