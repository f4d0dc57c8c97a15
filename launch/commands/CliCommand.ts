/** One `outpost` subcommand: its usage line, help text, and what it does (returns the exit code). */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly help: string;
  run(args: string[], io: CliIO): Promise<number>;
}

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
}
