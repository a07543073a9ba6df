/**
 * The fake wire server (test/support/fakeServerMain.ts) in a process of its own, so a bench's
 * timings and CPU are the client side only, as with a real model server on another machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(__dirname, '..');

export interface ServerProcess {
  openaiBaseUrl: string;
  stop(): void;
}

/** Starts the server with `script` (fakeServerMain's script-file format) written to `dir`. */
export async function startServerProcess(dir: string, script: Record<string, unknown>): Promise<ServerProcess> {
  const scriptFile = join(dir, 'server-script.json');
  writeFileSync(scriptFile, JSON.stringify(script));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/fakeServerMain.ts'), '--script', scriptFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const info = JSON.parse(line) as { openaiBaseUrl: string };
    return { openaiBaseUrl: info.openaiBaseUrl, stop: () => child.kill() };
  }
  throw new Error('the fake server process exited before it listened');
}
