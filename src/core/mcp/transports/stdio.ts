/**
 * The stdio transport: starts the server process with a clean environment and the login shell's
 * PATH, streams its stderr line by line, and turns a failed start into a message with the fix.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { StdioTransportSpec } from '../config';
import { McpConfigError } from '../config';
import { isConnectionClosed, isRequestTimeout } from '../errors';
import { baseServerEnv, isExecutableOnPath, mergePath, readLoginShellPath } from '../shellEnv';
import type { DisposableStore } from '../../util/disposables';

/**
 * PATH for stdio servers: the login shell's entries first once known. The shell is asked once per
 * hub; a slow profile (seconds, with pyenv/nvm/conda) is only waited for when the command is not
 * on the current PATH.
 */
export class ServerPath {
  private lookup?: Promise<string | undefined>;
  private known?: { value: string | undefined };

  constructor(private readonly loginShellPath: () => Promise<string | undefined> = () => readLoginShellPath({ timeoutMs: 10_000 })) {}

  async for(command: string, currentPath: string | undefined, cwd: string | undefined): Promise<string> {
    if (this.known) return mergePath(this.known.value, currentPath);
    const lookup = this.loginPath();
    if (await isExecutableOnPath(command, currentPath, cwd)) return currentPath ?? '';
    return mergePath(await lookup, currentPath);
  }

  private loginPath(): Promise<string | undefined> {
    this.lookup ??= this.loginShellPath()
      .catch(() => undefined)
      .then((value) => {
        this.known = { value };
        return value;
      });
    return this.lookup;
  }
}

export interface StdioContext {
  /** Environment the server's env is derived from (secrets in it are not passed on). */
  env: NodeJS.ProcessEnv;
  serverPath: ServerPath;
  /** Each non-empty stderr line of the server process. */
  onStderrLine: (line: string) => void;
  /** The last stderr line, quoted when the process exits before the handshake. */
  lastStderrLine: () => string | undefined;
}

/**
 * Starts the process and completes the MCP handshake on `client`. The process is tied to `store`:
 * disposing it (even mid-handshake) ends the process. Returns the process id.
 */
export async function connectStdio(client: Client, t: StdioTransportSpec, store: DisposableStore, timeoutMs: number, ctx: StdioContext): Promise<number | undefined> {
  const pathValue = t.env.PATH ?? (await ctx.serverPath.for(t.command, ctx.env.PATH, t.cwd));
  if (store.isDisposed) throw new Error('stopped before the process started');
  const transport = new StdioClientTransport({
    command: t.command,
    args: t.args,
    env: { ...baseServerEnv(pathValue, ctx.env), ...t.env, PATH: pathValue },
    cwd: t.cwd,
    stderr: 'pipe',
  });
  store.add({ dispose: () => transport.close() });
  forwardLines(transport, ctx.onStderrLine);
  try {
    await client.connect(transport, { timeout: timeoutMs });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new McpConfigError(`command "${t.command}" was not found (PATH searched: ${pathValue}). Install it or give its absolute path in "command".`);
    }
    if (isRequestTimeout(err)) {
      throw new Error(`"${t.command}" started but did not complete the MCP handshake within ${timeoutMs} ms (is it an MCP server speaking stdio?)`);
    }
    if (isConnectionClosed(err)) {
      const tail = ctx.lastStderrLine();
      throw new Error(`"${t.command}" exited before the MCP handshake finished${tail ? `: ${tail}` : ''}`);
    }
    throw err;
  }
  return transport.pid ?? undefined;
}

function forwardLines(transport: StdioClientTransport, onLine: (line: string) => void): void {
  const stream = transport.stderr;
  if (!stream) return;
  let partial = '';
  const emit = (line: string) => {
    if (line.trim()) onLine(line);
  };
  stream.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split(/\r?\n/);
    partial = lines.pop() ?? '';
    lines.forEach(emit);
  });
  stream.on('end', () => {
    emit(partial);
    partial = '';
  });
}
