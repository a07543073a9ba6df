/** In-memory stdio for running the CLI's `main` in a test: what it wrote, as text. */
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/types';

export type RecordingIO = CliIO & { out: () => string; err: () => string };

export function recordingIO(opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}): RecordingIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  stdin.end(opts.stdin ?? '');
  return { stdout, stderr, stdin, env: opts.env ?? {}, cwd: opts.cwd ?? tmpdir(), out: () => out, err: () => err };
}
