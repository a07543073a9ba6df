/** The contract of one `switchyard <name>` sub-command. */
import type { AppServices } from '../core/app';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface CliCommand {
  name: string;
  /** One-line usage shown by `switchyard --help`. */
  usage: string;
  /**
   * Runs the command. `loadCore` builds the core services from --config / SWITCHYARD_CONFIG
   * (throws ConfigError with the bad field named). Returns the exit code:
   * 0 ok, 1 the work failed (e.g. every candidate failed), 2 bad usage or config.
   */
  run(argv: string[], io: CliIO, loadCore: (configPath?: string) => Promise<AppServices>): Promise<number>;
}
