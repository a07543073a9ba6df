/**
 * One configured MCP server (VS Code's `McpServerConnection` is the model): its state as a value,
 * the current launch with everything it owns in one DisposableStore (client, process, timers),
 * its lists, reconnect with backoff, and calls with errors that say what to do.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, GetPromptResult, ReadResourceResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logger';
import { DisposableStore } from '../util/disposables';
import { McpConfigError, resolveTransport, type McpServerSpec, type VariableContext } from './config';
import { connectionFailure, errorText, isConnectionClosed, isRequestTimeout, McpCallError } from './errors';
import { coalesce, emptyLists, fetchList, LIST_KINDS, onListChanged, type ListKind, type ServerLists } from './serverLists';
import { openClient, type ServerPath } from './transports';
import type { ConnectedVia, McpServerState, McpServerStatus, McpToolResult, ReconnectOptions } from './types';
import type { SchemaChecker } from './validate';

/** What every connection of a hub shares: settings, the login-shell PATH, the schema checker. */
export interface ConnectionEnvironment {
  logger: Logger;
  onStderr?: (server: string, line: string) => void;
  onDidChange: (server: string) => void;
  variables: () => VariableContext;
  callTimeoutMs: () => number;
  connectTimeoutMs: number;
  listChangedDebounceMs: number;
  healthCheckMs: number;
  reconnect: ReconnectOptions;
  random: () => number;
  clientInfo: { name: string; version: string };
  env: NodeJS.ProcessEnv;
  serverPath: ServerPath;
  schemaChecker: SchemaChecker;
}

/** One start of the server; a stale callback recognises itself by `launch !== this.launch`. */
interface Launch {
  readonly store: DisposableStore;
  client?: Client;
  via?: ConnectedVia;
  pid?: number;
  connectedAt?: number;
  serverName?: string;
  serverVersion?: string;
  instructions?: string;
}

type CallOptions = { timeoutMs?: number; signal?: AbortSignal };

const STDERR_TAIL = 20;

export class McpServerConnection {
  private state: McpServerState = 'stopped';
  private lastError?: string;
  /** Consecutive failed starts; reset by a connection that lived `reconnect.stableMs`. */
  private attempts = 0;
  private launch?: Launch;
  private lists = emptyLists();
  private skippedTools: string[] = [];
  private readonly stderrTail: string[] = [];
  private retryTimer?: ReturnType<typeof setTimeout>;
  private pending?: Promise<void>;
  private disposed = false;

  /**
   * @param launchKey the normalized spec this connection was made for; a different key means a
   *   new connection (the hub replaces this one).
   */
  constructor(
    private spec: McpServerSpec,
    readonly launchKey: string,
    private blocked: string | undefined,
    private readonly env: ConnectionEnvironment,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  /** Applies fields that need no restart (disabled tools, source, the block reason's wording). */
  updateSettings(spec: McpServerSpec, blocked: string | undefined): void {
    this.spec = spec;
    this.blocked = blocked;
    if (blocked) this.lastError = blocked;
    this.emit();
  }

  /** Starts the server unless it is disabled or blocked; resolves when the attempt settled. */
  start(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.spec.disabled || this.blocked) {
      this.state = this.spec.disabled ? 'disabled' : 'blocked';
      this.lastError = this.blocked;
      this.emit();
      return Promise.resolve();
    }
    this.attempts = 0;
    return this.launchNow();
  }

  /** The "Restart" action: a fresh start with a fresh attempt count. */
  async restart(): Promise<void> {
    if (this.spec.disabled) throw new McpCallError('unavailable', `MCP server "${this.name}" is disabled in its configuration.`);
    if (this.blocked) throw new McpCallError('unavailable', `MCP server "${this.name}" cannot start: ${this.blocked}`);
    await this.stop();
    await this.start();
  }

  /** Resolves when no start is in flight (a reconnect timer may still be pending). */
  settled(): Promise<void> {
    return this.pending ?? Promise.resolve();
  }

  /** Stops for good: resolves once the client is closed and the process has exited. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }

  status(): McpServerStatus {
    const l = this.launch;
    return {
      name: this.spec.name,
      source: this.spec.source,
      transport: this.spec.transport.type,
      connectedVia: l?.via,
      state: this.state,
      lastError: this.lastError,
      serverName: l?.serverName,
      serverVersion: l?.serverVersion,
      instructions: l?.instructions,
      ...this.lists,
      skippedTools: this.skippedTools,
      disabledTools: this.spec.disabledTools,
      attempts: this.attempts,
      pid: l?.pid,
    };
  }

  /** The tools the model may use: none unless connected, never a disabled one. */
  usableTools(): Tool[] {
    return this.state === 'connected' ? this.lists.tools.filter((t) => !this.spec.disabledTools.includes(t.name)) : [];
  }

  async callTool(tool: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<McpToolResult> {
    if (this.state === 'connected' && !this.lists.tools.some((t) => t.name === tool)) {
      throw new McpCallError('unknown_tool', `MCP server "${this.name}" has no tool "${tool}". Its tools: ${this.lists.tools.map((t) => t.name).join(', ') || 'none'}.`);
    }
    const r = (await this.request(`tool "${tool}"`, options, (client, opts) => client.callTool({ name: tool, arguments: args }, undefined, opts))) as CallToolResult;
    return { content: r.content ?? [], structuredContent: r.structuredContent as Record<string, unknown> | undefined, isError: r.isError === true };
  }

  readResource(uri: string, options: CallOptions = {}): Promise<ReadResourceResult> {
    return this.request(`resource "${uri}"`, options, (client, opts) => client.readResource({ uri }, opts));
  }

  getPrompt(name: string, args: Record<string, string>, options: CallOptions = {}): Promise<GetPromptResult> {
    return this.request(`prompt "${name}"`, options, (client, opts) => client.getPrompt({ name, arguments: args }, opts));
  }

  // ------------------------------------------------------------------ lifecycle

  private emit(): void {
    this.env.onDidChange(this.spec.name);
  }

  /** Ends the current launch (closing its client, ending its process) and any pending retry. */
  private stop(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.state = 'stopped';
    return this.endLaunch();
  }

  private endLaunch(): Promise<void> {
    const launch = this.launch;
    this.launch = undefined;
    this.lists = emptyLists();
    return launch ? launch.store.dispose() : Promise.resolve();
  }

  private launchNow(): Promise<void> {
    const run = this.runLaunch();
    this.pending = run;
    return run;
  }

  private async runLaunch(): Promise<void> {
    if (this.disposed) return;
    void this.endLaunch(); // normally none is left: every path here stopped or lost the previous one
    const launch: Launch = { store: new DisposableStore() };
    this.launch = launch;
    this.state = this.attempts > 0 ? 'reconnecting' : 'starting';
    this.emit();
    try {
      const transport = await resolveTransport(this.spec, this.env.variables());
      if (launch !== this.launch) return;
      const opened = await openClient(transport, launch.store, {
        clientInfo: this.env.clientInfo,
        timeoutMs: this.env.connectTimeoutMs,
        stdio: { env: this.env.env, serverPath: this.env.serverPath, onStderrLine: (line) => this.stderrLine(line), lastStderrLine: () => this.stderrTail.at(-1) },
        onHttpFallback: (reason) => this.env.logger.info(`MCP server "${this.name}": Streamable HTTP failed (${reason}); trying SSE`),
      });
      if (launch !== this.launch) return; // stopped meanwhile: the store closed the client
      const client = opened.client;
      const info = client.getServerVersion();
      Object.assign(launch, { client, via: opened.via, pid: opened.pid, serverName: info?.name, serverVersion: info?.version, instructions: client.getInstructions() });
      client.onclose = () => this.connectionLost(launch, `the connection closed unexpectedly${this.stderrSuffix()}`);
      client.onerror = (err) => this.env.logger.debug(`MCP ${this.name}: transport error: ${errorText(err)}`);
      this.watchLists(launch, client);
      await Promise.all(LIST_KINDS.map((what) => this.refreshList(launch, client, what)));
      if (launch !== this.launch) return;
      this.startHealthCheck(launch, client);
      this.state = 'connected';
      launch.connectedAt = Date.now();
      this.lastError = undefined;
      this.attempts = 0;
      const { tools, resources, prompts } = this.lists;
      this.env.logger.info(`MCP server "${this.name}" connected via ${opened.via} (${launch.serverName ?? '?'} ${launch.serverVersion ?? ''}): ${tools.length} tools, ${resources.length} resources, ${prompts.length} prompts`);
      this.emit();
    } catch (err) {
      if (launch !== this.launch) return;
      await this.endLaunch();
      this.startFailed(err);
    }
  }

  private startFailed(err: unknown): void {
    this.lastError = errorText(err);
    this.env.logger.warn(`MCP server "${this.name}" failed to start: ${this.lastError}`);
    if (err instanceof McpConfigError) {
      // Retrying cannot fix a missing command or a bad variable: wait for a config change or Restart.
      this.state = 'error';
      this.emit();
      return;
    }
    this.scheduleRetry();
  }

  /** A live connection is gone (process exit, network failure, failed health check): reconnect. */
  private connectionLost(launch: Launch, reason: string): void {
    if (launch !== this.launch || this.disposed) return; // an intentional stop, or already handled
    if (launch.connectedAt !== undefined && Date.now() - launch.connectedAt >= this.env.reconnect.stableMs) this.attempts = 0;
    this.lastError = reason;
    this.env.logger.warn(`MCP server "${this.name}": ${reason}`);
    void this.endLaunch();
    this.scheduleRetry();
  }

  /** Exponential backoff with jitter; after `maxAttempts` the server stays in 'error' until Restart. */
  private scheduleRetry(): void {
    const { baseMs, maxMs, maxAttempts } = this.env.reconnect;
    this.attempts++;
    if (this.attempts > maxAttempts) {
      this.state = 'error';
      this.lastError = maxAttempts > 0
        ? `${this.lastError ?? 'failed'} — gave up after ${maxAttempts} reconnect attempts; use Restart`
        : `${this.lastError ?? 'failed'} (not restarted during this run)`;
      this.emit();
      return;
    }
    const jitter = 0.5 + this.env.random() * 0.5;
    const delay = Math.round(Math.min(maxMs, baseMs * 2 ** (this.attempts - 1)) * jitter);
    this.state = 'reconnecting';
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.disposed) void this.launchNow();
    }, delay);
    this.retryTimer.unref?.();
    this.emit();
  }

  /** HTTP servers can vanish without a close event: ping them now and then. */
  private startHealthCheck(launch: Launch, client: Client): void {
    const every = this.env.healthCheckMs;
    if (this.spec.transport.type === 'stdio' || every <= 0) return;
    let busy = false;
    launch.store.interval(() => {
      if (busy) return;
      busy = true;
      client
        .ping({ timeout: Math.max(every, 5_000) })
        .catch((err: unknown) => this.connectionLost(launch, `the server stopped answering (${errorText(err)})`))
        .finally(() => (busy = false));
    }, every);
  }

  // ------------------------------------------------------------------ lists

  private watchLists(launch: Launch, client: Client): void {
    const relist = (what: ListKind) =>
      coalesce(
        async () => {
          try {
            await this.refreshList(launch, client, what);
            if (launch === this.launch) this.emit();
          } catch (err) {
            this.env.logger.warn(`MCP server "${this.name}": refreshing ${what} failed: ${errorText(err)}`);
          }
        },
        this.env.listChangedDebounceMs,
        launch.store,
      );
    onListChanged(client, { tools: relist('tools'), resources: relist('resources'), prompts: relist('prompts') });
  }

  private async refreshList(launch: Launch, client: Client, what: ListKind): Promise<void> {
    const fetched = await fetchList(client, what, this.env.connectTimeoutMs, this.env.schemaChecker);
    if (launch !== this.launch) return;
    const { skippedTools, ...lists } = fetched;
    if (skippedTools) {
      const known = new Set(this.skippedTools);
      for (const line of skippedTools) if (!known.has(line)) this.env.logger.warn(`MCP server "${this.name}": ${line}. Its other tools are available.`);
      this.skippedTools = skippedTools;
    }
    Object.assign(this.lists, lists);
  }

  // ------------------------------------------------------------------ calls

  private stderrLine(line: string): void {
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
    this.env.onStderr?.(this.name, line);
  }

  private stderrSuffix(): string {
    const tail = this.stderrTail.at(-1);
    return tail ? ` (last stderr: ${tail})` : '';
  }

  /** Runs one request on the live client with the call timeout; maps its failure to McpCallError. */
  private async request<T>(what: string, options: CallOptions, send: (client: Client, opts: { timeout: number; signal?: AbortSignal }) => Promise<T>): Promise<T> {
    const launch = this.launch;
    if (this.state !== 'connected' || !launch?.client) {
      throw new McpCallError('unavailable', `MCP server "${this.name}" is ${this.state}${this.lastError ? `: ${this.lastError}` : ''}. Restart it from "Switchyard: MCP Servers" after fixing the cause.`);
    }
    const timeoutMs = options.timeoutMs ?? this.env.callTimeoutMs();
    try {
      return await send(launch.client, { timeout: timeoutMs, signal: options.signal });
    } catch (err) {
      throw this.callError(launch, err, what, timeoutMs, options.signal);
    }
  }

  private callError(launch: Launch, err: unknown, what: string, timeoutMs: number, signal?: AbortSignal): McpCallError {
    const server = this.name;
    if (signal?.aborted) return new McpCallError('aborted', `The call of ${what} on MCP server "${server}" was cancelled.`, { cause: err });
    if (isRequestTimeout(err)) {
      return new McpCallError('timeout', `MCP server "${server}" did not answer ${what} within ${timeoutMs} ms. Raise switchyard.mcp.callTimeoutMs if the tool is slow, or restart the server.`, { cause: err });
    }
    const lost = connectionFailure(err);
    if (lost && this.state === 'connected') this.connectionLost(launch, `the connection failed (${lost})`);
    if (lost || isConnectionClosed(err) || this.state !== 'connected') {
      // Only a hub with a reconnect loop (the extension) may promise a reconnect; the CLI's has none.
      const next = this.env.reconnect.maxAttempts > 0 ? 'Switchyard reconnects automatically; try again.' : 'It is not restarted during this run; run the command again.';
      return new McpCallError('disconnected', `MCP server "${server}" disconnected during ${what}${this.stderrSuffix()}. ${next}`, { cause: err });
    }
    return new McpCallError('protocol', `MCP server "${server}" failed ${what}: ${errorText(err)}`, { cause: err });
  }
}
