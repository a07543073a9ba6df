/**
 * The MCP hub: one client connection per configured server (stdio, Streamable HTTP, SSE), their
 * tools / resources / templates / prompts kept current through list-changed notifications,
 * tool calls with a per-call timeout, reconnect with backoff, and config reconciliation that
 * restarts only servers whose connection fields changed.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  McpError,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type GetPromptResult,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logger';
import type { ToolDefinition } from '../models/types';
import {
  connectionKey,
  McpConfigError,
  resolveTransport,
  type McpInputDefinition,
  type McpServerSource,
  type McpServerSpec,
  type McpTransportSpec,
  type VariableContext,
} from './config';
import { baseServerEnv, isExecutableOnPath, mergePath, readLoginShellPath } from './shellEnv';
import { lenientToolsPageSchema, screenTools } from './toolList';
import { assignToolNames } from './toolNames';
import { createSchemaChecker, type SchemaChecker } from './validate';

export type McpServerState = 'starting' | 'connected' | 'reconnecting' | 'error' | 'disabled' | 'blocked' | 'stopped';

/** One MCP tool as the model sees it (namespaced name) and as the server names it. */
export interface McpTool {
  /** Model-facing name, valid for OpenAI and Anthropic: "<server>__<tool>". */
  name: string;
  server: string;
  tool: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export interface McpServerStatus {
  name: string;
  source: McpServerSource;
  transport: McpTransportSpec['type'];
  /** For HTTP servers: the transport that connected ('http' or, after fallback, 'sse'). */
  connectedVia?: 'stdio' | 'http' | 'sse';
  state: McpServerState;
  lastError?: string;
  serverName?: string;
  serverVersion?: string;
  instructions?: string;
  tools: Tool[];
  /** Tools the server listed but that cannot be used (invalid definition), each with why. */
  skippedTools: string[];
  disabledTools: string[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
  /** Consecutive failed connection attempts. */
  attempts: number;
  pid?: number;
}

export type McpCallErrorKind = 'unavailable' | 'unknown_tool' | 'timeout' | 'disconnected' | 'aborted' | 'protocol';

/** A failed tool call / resource read; `message` names the server, the tool and what to do. */
export class McpCallError extends Error {
  constructor(readonly kind: McpCallErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'McpCallError';
  }
}

export interface McpToolResult {
  content: CallToolResult['content'];
  structuredContent?: Record<string, unknown>;
  /** The server reported the tool failed (the call itself went through). */
  isError: boolean;
}

export interface ReconnectOptions {
  baseMs: number;
  maxMs: number;
  /** Consecutive failed attempts before the server is left in 'error' (until restarted). */
  maxAttempts: number;
  /** A connection that lived this long resets the attempt count when it drops. */
  stableMs: number;
}

export interface McpHubOptions {
  logger: Logger;
  /** Each stderr line of a stdio server (the host shows them in an Output channel). */
  onStderr?: (server: string, line: string) => void;
  /** Variable context for `${workspaceFolder}`, `${env:X}`, `${input:id}`. */
  variables?: Omit<VariableContext, 'inputs'>;
  callTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** list_changed notifications within this window are coalesced into one re-list. Default 150 ms. */
  listChangedDebounceMs?: number;
  /** Ping interval for HTTP/SSE servers (a dead one is reconnected); 0 turns it off. Default 30 s. */
  healthCheckMs?: number;
  reconnect?: Partial<ReconnectOptions>;
  /** Login-shell PATH lookup; pass `async () => undefined` to keep the current PATH. */
  loginShellPath?: () => Promise<string | undefined>;
  /** Environment the server env is derived from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  clientInfo?: { name: string; version: string };
  random?: () => number;
}

export interface McpUpdateOptions {
  inputs?: McpInputDefinition[];
  /** Servers that must not start, with the reason shown (e.g. untrusted workspace). */
  blocked?: Record<string, string>;
}

interface Conn {
  spec: McpServerSpec;
  key: string;
  state: McpServerState;
  /** Why the host keeps this server from starting (untrusted workspace, not yet confirmed). */
  blocked?: string;
  lastError?: string;
  /** Bumped on every (re)connect or stop; stale callbacks compare and bail out. */
  generation: number;
  attempts: number;
  client?: Client;
  connectedVia?: 'stdio' | 'http' | 'sse';
  connectedAt?: number;
  timer?: ReturnType<typeof setTimeout>;
  healthTimer?: ReturnType<typeof setInterval>;
  stderrTail: string[];
  serverName?: string;
  serverVersion?: string;
  instructions?: string;
  pid?: number;
  tools: Tool[];
  skippedTools: string[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
  pending?: Promise<void>;
  /** Debounce timers of list_changed re-lists, cleared with the connection. */
  listTimers: Set<ReturnType<typeof setTimeout>>;
}

const DEFAULT_RECONNECT: ReconnectOptions = { baseMs: 1000, maxMs: 30_000, maxAttempts: 6, stableMs: 10_000 };

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Why an error means the connection itself is gone (network failure, HTTP session lost), else undefined. */
function isConnectionFailure(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_SOCKET'].includes(code)) return code;
    if (e instanceof StreamableHTTPError && e.code === 404) return 'the server no longer knows this session';
    if (e instanceof TypeError && e.message === 'fetch failed') return 'fetch failed';
  }
  return undefined;
}

/** Every page of a paginated MCP list. */
async function listAll<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await fetchPage(cursor);
    out.push(...r.items);
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return out;
}

export class McpHub {
  private readonly conns = new Map<string, Conn>();
  private readonly listeners = new Set<(server: string) => void>();
  private readonly reconnectOpts: ReconnectOptions;
  private inputs: McpInputDefinition[] = [];
  private loginPath?: Promise<string | undefined>;
  private loginPathValue?: { value: string | undefined };
  private callTimeoutMs: number;
  private disposed = false;
  private readonly schemaChecker: SchemaChecker = createSchemaChecker();

  constructor(private readonly opts: McpHubOptions) {
    this.reconnectOpts = { ...DEFAULT_RECONNECT, ...opts.reconnect };
    this.callTimeoutMs = opts.callTimeoutMs ?? 60_000;
  }

  /** Per-call timeout for later calls (settings change). */
  setCallTimeout(ms: number): void {
    this.callTimeoutMs = ms;
  }

  /** Called with the server's name whenever its state or lists change. Returns an unsubscribe. */
  onDidChange(listener: (server: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reconciles running servers with `specs`: new ones start, removed ones stop, and only those
   * whose connection fields (type, command, args, env, envFile, cwd, url, headers) or enablement
   * changed restart. Resolves when every started connection attempt has settled.
   */
  async update(specs: McpServerSpec[], options: McpUpdateOptions = {}): Promise<void> {
    if (options.inputs) this.inputs = options.inputs;
    const blocked = options.blocked ?? {};
    const wanted = new Map(specs.map((s) => [s.name, s]));
    const work: Promise<void>[] = [];
    for (const [name, conn] of this.conns) {
      if (!wanted.has(name)) {
        this.stopConn(conn, 'stopped');
        this.conns.delete(name);
        this.emit(name);
      }
    }
    for (const spec of specs) {
      const key = connectionKey(spec);
      const existing = this.conns.get(spec.name);
      const block = blocked[spec.name];
      const unchanged = existing && existing.key === key && existing.spec.disabled === spec.disabled && !!existing.blocked === !!block;
      if (existing && unchanged) {
        existing.spec = spec; // non-connection fields (disabledTools, source) apply without a restart
        existing.blocked = block;
        if (block) existing.lastError = block;
        this.emit(spec.name);
        continue;
      }
      if (existing) this.stopConn(existing, 'stopped');
      const conn: Conn = existing ?? {
        spec, key, state: 'stopped', generation: 0, attempts: 0, stderrTail: [],
        tools: [], skippedTools: [], resources: [], resourceTemplates: [], prompts: [], listTimers: new Set(),
      };
      conn.spec = spec;
      conn.key = key;
      conn.attempts = 0;
      conn.blocked = block;
      conn.lastError = block;
      this.conns.set(spec.name, conn);
      if (spec.disabled) conn.state = 'disabled';
      else if (block) conn.state = 'blocked';
      else {
        work.push(this.connect(conn));
        continue;
      }
      this.emit(spec.name);
    }
    await Promise.all(work);
  }

  /** Waits until no connection attempt is in flight (reconnect timers may still be pending). */
  async settled(): Promise<void> {
    await Promise.all([...this.conns.values()].map((c) => c.pending));
  }

  /** Stops and starts one server (the "Restart" action). */
  async restart(name: string): Promise<void> {
    const conn = this.conns.get(name);
    if (!conn) throw new McpCallError('unavailable', `No MCP server named "${name}" is configured.`);
    if (conn.spec.disabled) throw new McpCallError('unavailable', `MCP server "${name}" is disabled in its configuration.`);
    if (conn.blocked) throw new McpCallError('unavailable', `MCP server "${name}" cannot start: ${conn.blocked}`);
    this.stopConn(conn, 'stopped');
    conn.attempts = 0;
    await this.connect(conn);
  }

  status(): McpServerStatus[] {
    return [...this.conns.values()].map((c) => this.toStatus(c));
  }

  server(name: string): McpServerStatus | undefined {
    const c = this.conns.get(name);
    return c && this.toStatus(c);
  }

  /** Tools of connected servers, minus disabled ones, with model-facing names. */
  tools(): McpTool[] {
    const all: McpTool[] = [];
    for (const c of this.conns.values()) {
      if (c.state !== 'connected') continue;
      for (const t of c.tools) {
        if (c.spec.disabledTools.includes(t.name)) continue;
        all.push({
          name: '',
          server: c.spec.name,
          tool: t.name,
          title: t.title,
          description: t.description,
          inputSchema: t.inputSchema as Record<string, unknown>,
          annotations: t.annotations as Record<string, unknown> | undefined,
        });
      }
    }
    return [...assignToolNames(all)].map(([name, t]) => ({ ...t, name }));
  }

  /** The tools as the model request's `tools`. */
  toolDefinitions(): ToolDefinition[] {
    return this.tools().map((t) => ({
      name: t.name,
      description: t.description ?? t.title,
      inputSchema: t.inputSchema,
    }));
  }

  /** Finds a tool by its model-facing name. */
  resolveTool(name: string): McpTool | undefined {
    return this.tools().find((t) => t.name === name);
  }

  /**
   * Calls a tool. The timeout (default `callTimeoutMs`) starts here, never while an approval
   * prompt is open: ask first, then call. Throws McpCallError.
   */
  async callTool(server: string, tool: string, args: Record<string, unknown>, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<McpToolResult> {
    const conn = this.requireConnected(server);
    if (!conn.tools.some((t) => t.name === tool)) {
      throw new McpCallError('unknown_tool', `MCP server "${server}" has no tool "${tool}". Its tools: ${conn.tools.map((t) => t.name).join(', ') || 'none'}.`);
    }
    const client = conn.client!;
    const timeoutMs = options.timeoutMs ?? this.callTimeoutMs;
    try {
      const r = (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: timeoutMs, signal: options.signal })) as CallToolResult;
      return { content: r.content ?? [], structuredContent: r.structuredContent as Record<string, unknown> | undefined, isError: r.isError === true };
    } catch (err) {
      throw this.mapCallError(conn, err, `tool "${tool}"`, timeoutMs, options.signal);
    }
  }

  async readResource(server: string, uri: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ReadResourceResult> {
    const conn = this.requireConnected(server);
    const timeoutMs = options.timeoutMs ?? this.callTimeoutMs;
    try {
      return await conn.client!.readResource({ uri }, { timeout: timeoutMs, signal: options.signal });
    } catch (err) {
      throw this.mapCallError(conn, err, `resource "${uri}"`, timeoutMs, options.signal);
    }
  }

  async getPrompt(server: string, name: string, args: Record<string, string> = {}, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<GetPromptResult> {
    const conn = this.requireConnected(server);
    const timeoutMs = options.timeoutMs ?? this.callTimeoutMs;
    try {
      return await conn.client!.getPrompt({ name, arguments: args }, { timeout: timeoutMs, signal: options.signal });
    } catch (err) {
      throw this.mapCallError(conn, err, `prompt "${name}"`, timeoutMs, options.signal);
    }
  }

  /** Stops every server; the hub is unusable afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const closing = [...this.conns.values()].map((c) => this.stopConn(c, 'stopped'));
    this.conns.clear();
    this.listeners.clear();
    await Promise.all(closing);
  }

  // ------------------------------------------------------------------ internals

  private emit(server: string): void {
    for (const l of this.listeners) {
      try {
        l(server);
      } catch (err) {
        this.opts.logger.warn(`MCP change listener failed: ${errorText(err)}`);
      }
    }
  }

  private requireConnected(server: string): Conn {
    const conn = this.conns.get(server);
    if (!conn) {
      throw new McpCallError('unavailable', `No MCP server named "${server}" is configured (configured: ${[...this.conns.keys()].join(', ') || 'none'}).`);
    }
    if (conn.state !== 'connected' || !conn.client) {
      throw new McpCallError('unavailable', `MCP server "${server}" is ${conn.state}${conn.lastError ? `: ${conn.lastError}` : ''}. Restart it from "Switchyard: MCP Servers" after fixing the cause.`);
    }
    return conn;
  }

  private mapCallError(conn: Conn, err: unknown, what: string, timeoutMs: number, signal?: AbortSignal): McpCallError {
    const server = conn.spec.name;
    if (signal?.aborted) return new McpCallError('aborted', `The call of ${what} on MCP server "${server}" was cancelled.`, { cause: err });
    if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) {
      return new McpCallError('timeout', `MCP server "${server}" did not answer ${what} within ${timeoutMs} ms. Raise switchyard.mcp.callTimeoutMs if the tool is slow, or restart the server.`, { cause: err });
    }
    const lost = isConnectionFailure(err);
    if (lost && conn.state === 'connected') this.connectionLost(conn, conn.generation, `the connection failed (${lost})`);
    if (lost || (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) || conn.state !== 'connected') {
      const tail = conn.stderrTail.at(-1);
      // Only a hub with a reconnect loop (the extension) may promise a reconnect; the CLI's has none.
      const next = this.reconnectOpts.maxAttempts > 0 ? 'Switchyard reconnects automatically; try again.' : 'It is not restarted during this run; run the command again.';
      return new McpCallError('disconnected', `MCP server "${server}" disconnected during ${what}${tail ? ` (last stderr: ${tail})` : ''}. ${next}`, { cause: err });
    }
    return new McpCallError('protocol', `MCP server "${server}" failed ${what}: ${errorText(err)}`, { cause: err });
  }

  private toStatus(c: Conn): McpServerStatus {
    return {
      name: c.spec.name,
      source: c.spec.source,
      transport: c.spec.transport.type,
      connectedVia: c.connectedVia,
      state: c.state,
      lastError: c.lastError,
      serverName: c.serverName,
      serverVersion: c.serverVersion,
      instructions: c.instructions,
      tools: c.tools,
      skippedTools: c.skippedTools,
      disabledTools: c.spec.disabledTools,
      resources: c.resources,
      resourceTemplates: c.resourceTemplates,
      prompts: c.prompts,
      attempts: c.attempts,
      pid: c.pid,
    };
  }

  private stopConn(c: Conn, state: McpServerState): Promise<void> {
    c.generation++;
    if (c.timer) clearTimeout(c.timer);
    c.timer = undefined;
    if (c.healthTimer) clearInterval(c.healthTimer);
    c.healthTimer = undefined;
    for (const t of c.listTimers) clearTimeout(t);
    c.listTimers.clear();
    const client = c.client;
    c.client = undefined;
    c.pid = undefined;
    c.connectedAt = undefined;
    c.state = state;
    c.tools = [];
    c.resources = [];
    c.resourceTemplates = [];
    c.prompts = [];
    return client ? client.close().catch(() => undefined) : Promise.resolve();
  }

  private loginShellPath(): Promise<string | undefined> {
    this.loginPath ??= (this.opts.loginShellPath ?? (() => readLoginShellPath({ timeoutMs: 10_000 })))()
      .catch(() => undefined)
      .then((value) => {
        this.loginPathValue = { value };
        return value;
      });
    return this.loginPath;
  }

  /**
   * PATH for a stdio server: the login shell's entries first once known. A slow shell profile
   * (seconds, with pyenv/nvm/conda) is only waited for when the command is not on the current PATH.
   */
  private async serverPath(command: string, currentPath: string | undefined, cwd: string | undefined): Promise<string> {
    if (this.loginPathValue) return mergePath(this.loginPathValue.value, currentPath);
    const lookup = this.loginShellPath();
    if (await isExecutableOnPath(command, currentPath, cwd)) return currentPath ?? '';
    return mergePath(await lookup, currentPath);
  }

  private connect(conn: Conn): Promise<void> {
    const run = this.doConnect(conn);
    conn.pending = run;
    return run;
  }

  private async doConnect(conn: Conn): Promise<void> {
    const gen = ++conn.generation;
    const name = conn.spec.name;
    conn.state = conn.attempts > 0 ? 'reconnecting' : 'starting';
    this.emit(name);
    let client: Client | undefined;
    try {
      const resolved = await resolveTransport(conn.spec, { ...this.opts.variables, env: this.opts.variables?.env ?? process.env, inputs: this.inputs });
      if (gen !== conn.generation) return;
      const connected = await this.open(conn, resolved);
      client = connected.client;
      if (gen !== conn.generation || this.disposed) {
        await client.close().catch(() => undefined);
        return;
      }
      conn.client = client;
      conn.connectedVia = connected.via;
      conn.pid = connected.pid;
      const info = client.getServerVersion();
      conn.serverName = info?.name;
      conn.serverVersion = info?.version;
      conn.instructions = client.getInstructions();
      client.onclose = () => this.onClosed(conn, gen);
      client.onerror = (err) => this.opts.logger.debug(`MCP ${name}: transport error: ${errorText(err)}`);
      this.watchLists(conn, client, gen);
      await this.refreshAll(conn, client, gen);
      if (gen !== conn.generation) return;
      this.startHealthCheck(conn, client, gen);
      conn.state = 'connected';
      conn.connectedAt = Date.now();
      conn.lastError = undefined;
      conn.attempts = 0;
      this.opts.logger.info(`MCP server "${name}" connected via ${connected.via} (${conn.serverName ?? '?'} ${conn.serverVersion ?? ''}): ${conn.tools.length} tools, ${conn.resources.length} resources, ${conn.prompts.length} prompts`);
      this.emit(name);
    } catch (err) {
      if (client) await client.close().catch(() => undefined);
      if (gen !== conn.generation) return;
      this.onConnectFailed(conn, err);
    }
  }

  /** Opens the transport; an 'http' server that rejects Streamable HTTP is retried over SSE. */
  private async open(conn: Conn, t: McpTransportSpec): Promise<{ client: Client; via: 'stdio' | 'http' | 'sse'; pid?: number }> {
    const timeout = this.opts.connectTimeoutMs ?? 30_000;
    const newClient = () => new Client(this.opts.clientInfo ?? { name: 'switchyard', version: '0.1.0' }, { capabilities: {} });
    if (t.type === 'stdio') {
      const env = this.opts.env ?? process.env;
      const pathValue = t.env.PATH ?? (await this.serverPath(t.command, env.PATH, t.cwd));
      const transport = new StdioClientTransport({
        command: t.command,
        args: t.args,
        env: { ...baseServerEnv(pathValue, env), ...t.env, PATH: pathValue },
        cwd: t.cwd,
        stderr: 'pipe',
      });
      this.captureStderr(conn, transport);
      const client = newClient();
      try {
        await client.connect(transport, { timeout });
      } catch (err) {
        await transport.close().catch(() => undefined);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new McpConfigError(`command "${t.command}" was not found (PATH searched: ${pathValue}). Install it or give its absolute path in "command".`);
        }
        if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) {
          throw new Error(`"${t.command}" started but did not complete the MCP handshake within ${timeout} ms (is it an MCP server speaking stdio?)`);
        }
        if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) {
          const tail = conn.stderrTail.at(-1);
          throw new Error(`"${t.command}" exited before the MCP handshake finished${tail ? `: ${tail}` : ''}`);
        }
        throw err;
      }
      return { client, via: 'stdio', pid: transport.pid ?? undefined };
    }
    const url = new URL(t.url);
    const requestInit: RequestInit = { headers: t.headers };
    if (t.type === 'http') {
      const client = newClient();
      const transport: Transport = new StreamableHTTPClientTransport(url, { requestInit });
      try {
        await client.connect(transport, { timeout });
        return { client, via: 'http' };
      } catch (httpErr) {
        await client.close().catch(() => undefined);
        this.opts.logger.info(`MCP server "${conn.spec.name}": Streamable HTTP failed (${errorText(httpErr)}); trying SSE`);
        const sseClient = newClient();
        try {
          await sseClient.connect(new SSEClientTransport(url, { requestInit }), { timeout });
          return { client: sseClient, via: 'sse' };
        } catch (sseErr) {
          await sseClient.close().catch(() => undefined);
          throw new Error(`${t.url} answered neither Streamable HTTP (${errorText(httpErr)}) nor SSE (${errorText(sseErr)})`);
        }
      }
    }
    const client = newClient();
    await client.connect(new SSEClientTransport(url, { requestInit }), { timeout });
    return { client, via: 'sse' };
  }

  private captureStderr(conn: Conn, transport: StdioClientTransport): void {
    const stream = transport.stderr;
    if (!stream) return;
    let partial = '';
    const name = conn.spec.name;
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) this.stderrLine(conn, name, line);
    });
    stream.on('end', () => {
      if (partial) this.stderrLine(conn, name, partial);
      partial = '';
    });
  }

  private stderrLine(conn: Conn, name: string, line: string): void {
    if (!line.trim()) return;
    conn.stderrTail.push(line);
    if (conn.stderrTail.length > 20) conn.stderrTail.shift();
    this.opts.onStderr?.(name, line);
  }

  /**
   * Re-lists on list_changed, coalesced: notifications within the debounce window, or arriving while
   * a re-list runs, cause one more re-list at most — a flood of thousands costs a handful of requests.
   */
  private watchLists(conn: Conn, client: Client, gen: number): void {
    const debounceMs = this.opts.listChangedDebounceMs ?? 150;
    const refresh = (what: 'tools' | 'resources' | 'prompts') => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let running = false;
      let again = false;
      const run = async () => {
        if (timer) conn.listTimers.delete(timer);
        timer = undefined;
        if (gen !== conn.generation || this.disposed) return;
        running = true;
        try {
          await this.refreshList(conn, client, gen, what);
          if (gen === conn.generation) this.emit(conn.spec.name);
        } catch (err) {
          this.opts.logger.warn(`MCP server "${conn.spec.name}": refreshing ${what} failed: ${errorText(err)}`);
        } finally {
          running = false;
          if (again) {
            again = false;
            schedule();
          }
        }
      };
      const schedule = () => {
        if (running) {
          again = true;
          return;
        }
        if (timer || gen !== conn.generation) return;
        timer = setTimeout(() => void run(), debounceMs);
        timer.unref?.();
        conn.listTimers.add(timer);
      };
      return schedule;
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, refresh('tools'));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, refresh('resources'));
    client.setNotificationHandler(PromptListChangedNotificationSchema, refresh('prompts'));
  }

  private async refreshAll(conn: Conn, client: Client, gen: number): Promise<void> {
    await Promise.all((['tools', 'resources', 'prompts'] as const).map((w) => this.refreshList(conn, client, gen, w)));
  }

  private async refreshList(conn: Conn, client: Client, gen: number, what: 'tools' | 'resources' | 'prompts'): Promise<void> {
    const caps = client.getServerCapabilities() ?? {};
    const timeout = this.opts.connectTimeoutMs ?? 30_000;
    if (what === 'tools') {
      // Listed leniently and screened one tool at a time: one broken tool must not cost the others.
      const raw = caps.tools
        ? await listAll((cursor) => client.request({ method: 'tools/list', params: cursor ? { cursor } : {} }, lenientToolsPageSchema, { timeout }).then((r) => ({ items: r.tools, nextCursor: r.nextCursor })))
        : [];
      const { tools, skipped } = screenTools(raw, this.schemaChecker);
      if (gen !== conn.generation) return;
      const known = new Set(conn.skippedTools);
      for (const line of skipped) if (!known.has(line)) this.opts.logger.warn(`MCP server "${conn.spec.name}": ${line}. Its other tools are available.`);
      conn.tools = tools;
      conn.skippedTools = skipped;
    } else if (what === 'resources') {
      const [resources, templates] = caps.resources
        ? await Promise.all([
            listAll((cursor) => client.listResources({ cursor }, { timeout }).then((r) => ({ items: r.resources, nextCursor: r.nextCursor }))),
            listAll((cursor) => client.listResourceTemplates({ cursor }, { timeout }).then((r) => ({ items: r.resourceTemplates, nextCursor: r.nextCursor }))).catch(() => []),
          ])
        : [[], []];
      if (gen === conn.generation) {
        conn.resources = resources;
        conn.resourceTemplates = templates;
      }
    } else {
      const prompts = caps.prompts ? await listAll((cursor) => client.listPrompts({ cursor }, { timeout }).then((r) => ({ items: r.prompts, nextCursor: r.nextCursor }))) : [];
      if (gen === conn.generation) conn.prompts = prompts;
    }
  }

  private onClosed(conn: Conn, gen: number): void {
    const tail = conn.stderrTail.at(-1);
    this.connectionLost(conn, gen, `the connection closed unexpectedly${tail ? ` (last stderr: ${tail})` : ''}`);
  }

  /** A live connection is gone (process exit, network failure, failed health check): reconnect. */
  private connectionLost(conn: Conn, gen: number, reason: string): void {
    if (gen !== conn.generation || this.disposed) return; // an intentional stop or restart, or already handled
    const stable = conn.connectedAt !== undefined && Date.now() - conn.connectedAt >= this.reconnectOpts.stableMs;
    if (stable) conn.attempts = 0;
    const client = conn.client;
    conn.generation++;
    if (conn.healthTimer) clearInterval(conn.healthTimer);
    conn.healthTimer = undefined;
    for (const t of conn.listTimers) clearTimeout(t);
    conn.listTimers.clear();
    conn.client = undefined;
    conn.pid = undefined;
    conn.tools = [];
    conn.resources = [];
    conn.resourceTemplates = [];
    conn.prompts = [];
    conn.lastError = reason;
    void client?.close().catch(() => undefined);
    this.opts.logger.warn(`MCP server "${conn.spec.name}": ${conn.lastError}`);
    this.scheduleReconnect(conn);
  }

  /** HTTP servers can vanish without a close event: ping them now and then. */
  private startHealthCheck(conn: Conn, client: Client, gen: number): void {
    const every = this.opts.healthCheckMs ?? 30_000;
    if (conn.spec.transport.type === 'stdio' || every <= 0) return;
    let busy = false;
    conn.healthTimer = setInterval(() => {
      if (busy) return;
      busy = true;
      client
        .ping({ timeout: Math.max(every, 5_000) })
        .catch((err: unknown) => this.connectionLost(conn, gen, `the server stopped answering (${errorText(err)})`))
        .finally(() => (busy = false));
    }, every);
    conn.healthTimer.unref?.();
  }

  private onConnectFailed(conn: Conn, err: unknown): void {
    conn.lastError = errorText(err);
    this.opts.logger.warn(`MCP server "${conn.spec.name}" failed to start: ${conn.lastError}`);
    if (err instanceof McpConfigError) {
      // Retrying cannot fix a missing command or a bad variable: wait for a config change or Restart.
      conn.state = 'error';
      this.emit(conn.spec.name);
      return;
    }
    this.scheduleReconnect(conn);
  }

  private scheduleReconnect(conn: Conn): void {
    conn.attempts++;
    if (conn.attempts > this.reconnectOpts.maxAttempts) {
      conn.state = 'error';
      conn.lastError = this.reconnectOpts.maxAttempts > 0
        ? `${conn.lastError ?? 'failed'} — gave up after ${this.reconnectOpts.maxAttempts} reconnect attempts; use Restart`
        : `${conn.lastError ?? 'failed'} (not restarted during this run)`;
      this.emit(conn.spec.name);
      return;
    }
    const { baseMs, maxMs } = this.reconnectOpts;
    const jitter = 0.5 + (this.opts.random ?? Math.random)() * 0.5;
    const delay = Math.round(Math.min(maxMs, baseMs * 2 ** (conn.attempts - 1)) * jitter);
    conn.state = 'reconnecting';
    const gen = conn.generation;
    conn.timer = setTimeout(() => {
      conn.timer = undefined;
      if (gen === conn.generation && !this.disposed) void this.connect(conn);
    }, delay);
    conn.timer.unref?.();
    this.emit(conn.spec.name);
  }
}
