/**
 * The `switchyard` CLI: the same core as the extension, headless. Parses the global flags, finds
 * the sub-command in the registry (commands/index.ts) and gives it a `loadCore` that builds the
 * core from --config / SWITCHYARD_CONFIG, keys from the environment and SWITCHYARD_DATA_DIR.
 */
import { version } from '../../package.json';
import { createCoreServices, type AppServices } from '../core/app';
import { ConfigError } from '../core/config/schema';
import type { Logger } from '../core/logger';
import { commands as registry } from './commands/index';
import { dataDirFrom, envSecrets, loadConfigFile } from './config';
import type { CliCommand, CliIO } from './types';
import { UsageError } from './util';

function help(commands: CliCommand[]): string {
  const width = commands.reduce((w, c) => Math.max(w, c.name.length), 0);
  return [
    `switchyard ${version} — bring-your-own-model coding assistant, headless`,
    '',
    'Usage: switchyard <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.usage}`),
    '',
    'Global options:',
    '  --config F     config file (JSON, the same shape as the switchyard.* settings); default $SWITCHYARD_CONFIG',
    '  --help, -h     show this help (also: switchyard <command> --help)',
    '  --version, -v  print the version',
    '',
    'Environment:',
    '  SWITCHYARD_CONFIG     config file when --config is not given',
    '  SWITCHYARD_DATA_DIR   where the usage ledger and traces live (default ~/.switchyard)',
    '  OPENAI_API_KEY, ANTHROPIC_API_KEY, or the variable a provider names in apiKeyEnv',
    '  SWITCHYARD_LOG        debug | info | warn | error (default warn), written to stderr',
    '',
    'Exit codes: 0 ok, 1 the work failed (e.g. every candidate failed), 2 bad usage or config.',
    '',
  ].join('\n');
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Logs to stderr at or above SWITCHYARD_LOG (default warn), so stdout stays the answer. */
function stderrLogger(io: CliIO): Logger {
  const wanted = LEVELS.indexOf((io.env.SWITCHYARD_LOG ?? 'warn') as (typeof LEVELS)[number]);
  const min = wanted < 0 ? 2 : wanted;
  const at = (level: number, name: string) => (message: string) => {
    if (level >= min) io.stderr.write(`switchyard ${name}: ${message}\n`);
  };
  return { debug: at(0, 'debug'), info: at(1, 'info'), warn: at(2, 'warn'), error: at(3, 'error') };
}

/** Runs one CLI invocation and returns its exit code. Never throws. */
export async function main(argv: string[], io: CliIO, commands: CliCommand[] = registry): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? commands.find((c) => c.name === argv[1]) : undefined;
    io[first === undefined ? 'stderr' : 'stdout'].write(topic ? `Usage: switchyard ${topic.usage}\n` : help(commands));
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    io.stderr.write(`switchyard: unknown command "${first}". Commands: ${commands.map((c) => c.name).join(', ')}. See switchyard --help.\n`);
    return 2;
  }
  const rest = argv.slice(1);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`Usage: switchyard ${command.usage}\n`);
    return 0;
  }

  const logger = stderrLogger(io);
  const built: AppServices[] = [];
  const loadCore = async (configPath?: string): Promise<AppServices> => {
    const { config } = await loadConfigFile(configPath, io.env, io.cwd);
    const core = await createCoreServices({
      config,
      secrets: envSecrets(config, io.env),
      dataDir: dataDirFrom(io.env, io.cwd),
      logger,
      workspace: io.cwd,
      version,
      keyFixForm: 'cli',
    });
    built.push(core);
    return core;
  };

  try {
    return await command.run(rest, io, loadCore);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      io.stderr.write(`switchyard ${command.name}: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`switchyard ${command.name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  } finally {
    for (const core of built) await core.dispose().catch(() => undefined);
  }
}

const processIO = (): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});

if (require.main === module) {
  // Writing to a closed pipe (`switchyard … | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  void main(process.argv.slice(2), processIO()).then((code) => {
    process.exitCode = code;
  });
}
