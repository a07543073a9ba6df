/** Small helpers shared by the CLI's own commands: argument parsing and plain-text tables. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../core/config/schema';
import type { ResolvedRoute } from '../core/router/resolve';

/** Bad usage: the CLI prints the message and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A route that cannot run because of the settings (no route, an unknown model): exit 2 before any call. */
export function routeConfigError(route: ResolvedRoute): ConfigError | undefined {
  const error = route.error;
  if (!error || error.kind !== 'config') return undefined;
  return new ConfigError(`${error.message}${error.fix ? ` ${error.fix}` : ''}`, `routes.${route.task}: ${route.candidates.length ? 'unusable' : 'missing'}`);
}

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '.') : String(err);
    throw new UsageError(`${command}: ${message}`);
  }
}

/** Left-aligned text table; columns listed in `right` are right-aligned (numbers). */
export function table(header: string[], rows: string[][], right: number[] = []): string {
  // A loop, not Math.max(...spread): a spread of 200k rows overflows the call stack.
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const line = (cells: string[]) =>
    cells.map((c, i) => (right.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (!stream.write(text)) stream.once('drain', resolve);
    else resolve();
  });
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

