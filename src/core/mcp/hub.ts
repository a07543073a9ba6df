/**
 * The MCP hub: reconciles one McpServerConnection per configured server against the config
 * (start new, stop removed, restart changed, leave the rest running), and serves the app one view
 * of them: statuses, model-facing tool names, and calls routed to the right server.
 */
import type { GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from '../models/types';
import type { McpInputDefinition, McpServerSpec } from './config';
import { McpServerConnection, type ConnectionEnvironment } from './connection';
import { errorText, McpCallError } from './errors';
import { launchKey, planReconcile } from './reconcile';
import { assignToolNames } from './toolNames';
import { ServerPath } from './transports';
import type { McpHubOptions, McpServerStatus, McpTool, McpToolResult, McpUpdateOptions, ReconnectOptions } from './types';
import { createSchemaChecker } from './validate';

export { McpCallError } from './errors';
export type { McpHubOptions, McpServerState, McpServerStatus, McpTool, McpToolResult, McpUpdateOptions, ReconnectOptions } from './types';

const DEFAULT_RECONNECT: ReconnectOptions = { baseMs: 1000, maxMs: 30_000, maxAttempts: 6, stableMs: 10_000 };

export class McpHub {
  private readonly connections = new Map<string, McpServerConnection>();
  private readonly listeners = new Set<(server: string) => void>();
  private readonly environment: ConnectionEnvironment;
  private inputs: McpInputDefinition[] = [];
  private callTimeoutMs: number;
  private disposed = false;

  constructor(opts: McpHubOptions) {
    this.callTimeoutMs = opts.callTimeoutMs ?? 60_000;
    this.environment = {
      logger: opts.logger,
      onStderr: opts.onStderr,
      onDidChange: (server) => this.emit(server),
      variables: () => ({ ...opts.variables, env: opts.variables?.env ?? process.env, inputs: this.inputs }),
      callTimeoutMs: () => this.callTimeoutMs,
      connectTimeoutMs: opts.connectTimeoutMs ?? 30_000,
      listChangedDebounceMs: opts.listChangedDebounceMs ?? 150,
      healthCheckMs: opts.healthCheckMs ?? 30_000,
      reconnect: { ...DEFAULT_RECONNECT, ...opts.reconnect },
      random: opts.random ?? Math.random,
      clientInfo: opts.clientInfo ?? { name: 'switchyard', version: '0.1.0' },
      env: opts.env ?? process.env,
      serverPath: new ServerPath(opts.loginShellPath),
      schemaChecker: createSchemaChecker(),
    };
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
   * Reconciles running servers with `specs` (see reconcile.ts): new ones start, removed ones stop,
   * changed ones restart, unchanged ones keep running untouched. Resolves when removed and
   * replaced servers have stopped (their processes exited) and every start has settled.
   */
  async update(specs: McpServerSpec[], options: McpUpdateOptions = {}): Promise<void> {
    if (this.disposed) return;
    if (options.inputs) this.inputs = options.inputs;
    const blocked = options.blocked ?? {};
    const running = new Map([...this.connections].map(([name, c]) => [name, c.launchKey]));
    const plan = planReconcile(running, specs, blocked);
    const work: Promise<void>[] = [];
    for (const name of plan.stop) {
      const old = this.connections.get(name)!;
      this.connections.delete(name);
      work.push(old.dispose());
      this.emit(name);
    }
    for (const spec of plan.keep) this.connections.get(spec.name)!.updateSettings(spec, blocked[spec.name]);
    for (const spec of plan.restart) {
      const old = this.connections.get(spec.name)!;
      const next = this.connect(spec, blocked[spec.name]);
      // The old process exits before the new one starts: two copies may not share a server's files.
      work.push(old.dispose().then(() => next.start()));
    }
    for (const spec of plan.start) work.push(this.connect(spec, blocked[spec.name]).start());
    await Promise.all(work);
  }

  /** Waits until no connection attempt is in flight (reconnect timers may still be pending). */
  async settled(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.settled()));
  }

  /** Stops and starts one server (the "Restart" action). */
  async restart(name: string): Promise<void> {
    const conn = this.connections.get(name);
    if (!conn) throw new McpCallError('unavailable', `No MCP server named "${name}" is configured.`);
    await conn.restart();
  }

  status(): McpServerStatus[] {
    return [...this.connections.values()].map((c) => c.status());
  }

  server(name: string): McpServerStatus | undefined {
    return this.connections.get(name)?.status();
  }

  /** Tools of connected servers, minus disabled ones, with model-facing names. */
  tools(): McpTool[] {
    const all: McpTool[] = [];
    for (const c of this.connections.values()) {
      for (const t of c.usableTools()) {
        all.push({
          name: '',
          server: c.name,
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
    return this.tools().map((t) => ({ name: t.name, description: t.description ?? t.title, inputSchema: t.inputSchema }));
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
    return this.connection(server).callTool(tool, args, options);
  }

  async readResource(server: string, uri: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ReadResourceResult> {
    return this.connection(server).readResource(uri, options);
  }

  async getPrompt(server: string, name: string, args: Record<string, string> = {}, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<GetPromptResult> {
    return this.connection(server).getPrompt(name, args, options);
  }

  /** Stops every server and resolves once their processes have exited; the hub is unusable afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const closing = [...this.connections.values()].map((c) => c.dispose());
    this.connections.clear();
    this.listeners.clear();
    await Promise.all(closing);
  }

  private connect(spec: McpServerSpec, blocked: string | undefined): McpServerConnection {
    const conn = new McpServerConnection(spec, launchKey(spec, blocked), blocked, this.environment);
    this.connections.set(spec.name, conn);
    return conn;
  }

  private connection(server: string): McpServerConnection {
    const conn = this.connections.get(server);
    if (conn) return conn;
    throw new McpCallError('unavailable', `No MCP server named "${server}" is configured (configured: ${[...this.connections.keys()].join(', ') || 'none'}).`);
  }

  private emit(server: string): void {
    for (const l of this.listeners) {
      try {
        l(server);
      } catch (err) {
        this.environment.logger.warn(`MCP change listener failed: ${errorText(err)}`);
      }
    }
  }
}
