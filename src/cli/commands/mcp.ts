/**
 * `switchyard mcp list | call`: the MCP hub from a terminal, and `openCliTools`, the helper that
 * gives `switchyard ask --tools --approve a,b` its tools (unapproved tool calls are refused).
 */
import type { BeforeModelCall } from '../../core/chat/spendCap';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { mcpSettingsSchema } from '../../core/config/schema';
import { toolLoopTurnRunner, type ToolLoopEvent } from '../../core/chat/toolLoop';
import type { TurnStream } from '../../core/chat/turn';
import { createListApprover, type ApproveFn } from '../../core/mcp/approval';
import {
  loadMcpConfigFile,
  mergeMcpConfigs,
  parseMcpConfigText,
  type McpConfigLoad,
  type McpInputDefinition,
} from '../../core/mcp/config';
import { McpCallError, McpHub } from '../../core/mcp/hub';
import { hubToolSource, renderToolResult, type ToolSource } from '../../core/mcp/toolSource';
import { createArgumentValidator } from '../../core/mcp/validate';
import { silentLogger, type Logger } from '../../core/logger';
import type { ChatMessage } from '../../core/models/types';
import type { Router } from '../../core/router/types';
import type { Span, Tracer } from '../../core/trace/types';
import type { CliCommand, CliIO } from '../types';
import { parseCommandArgs, table, UsageError, write } from '../util';

const usage =
  "mcp list [--config F] [--workspace-servers] [--json]  |  mcp call SERVER TOOL '{json args}' [--config F] [--workspace-servers] [--timeout MS] [--json]";

/** `${input:id}` in the CLI: SWITCHYARD_MCP_INPUT_<ID> (upper case, non-alphanumerics as _), else the input's default. */
const inputEnvName = (id: string) => `SWITCHYARD_MCP_INPUT_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

export interface CliMcpConfig {
  load: McpConfigLoad;
  callTimeoutMs: number;
  maxToolRounds: number;
  alwaysAllow: string[];
  /** Servers of ./.vscode/mcp.json left out because --workspace-servers was not given. */
  skippedWorkspaceServers: string[];
}

/**
 * MCP servers for the CLI: the config file (--config or SWITCHYARD_CONFIG; a Switchyard config, a
 * VS Code mcp.json or a common `mcpServers` file) plus ./.vscode/mcp.json when `workspaceServers`.
 * Read tolerantly: bad entries become issues, the rest load.
 */
async function loadCliMcpConfig(opts: { configPath?: string; env: NodeJS.ProcessEnv; cwd: string; workspaceServers?: boolean }): Promise<CliMcpConfig> {
  const given = opts.configPath ?? (opts.env.SWITCHYARD_CONFIG?.trim() || undefined);
  const loads: McpConfigLoad[] = [];
  let settings = mcpSettingsSchema.parse({});
  if (given) {
    const file = path.resolve(opts.cwd, given);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`mcp: cannot read the config file ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? String(err)}.`);
    }
    const load = parseMcpConfigText(text, { kind: 'file', path: file });
    loads.push(load);
    try {
      const mcp = (JSON.parse(text) as { mcp?: unknown }).mcp;
      const parsed = mcpSettingsSchema.safeParse(mcp ?? {});
      if (parsed.success) settings = parsed.data;
      else load.issues.push({ source: { kind: 'file', path: file }, message: `${file}: "mcp" settings are invalid and were ignored: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
    } catch {
      // JSONC with comments: the server list was still read; the "mcp" settings keep their defaults.
    }
  }
  const wsFile = path.join(opts.cwd, '.vscode', 'mcp.json');
  const ws = await loadMcpConfigFile(wsFile, 'workspace', true);
  let skipped: string[] = [];
  if (opts.workspaceServers) loads.push(ws);
  else skipped = ws.servers.map((s) => s.name);
  return {
    load: mergeMcpConfigs(...loads),
    callTimeoutMs: settings.callTimeoutMs,
    maxToolRounds: settings.maxToolRounds,
    alwaysAllow: settings.alwaysAllow,
    skippedWorkspaceServers: skipped,
  };
}

/** A hub for one CLI run: no reconnect loop, server stderr to `onStderr` (default: dropped). */
async function startCliHub(cfg: CliMcpConfig, opts: { env: NodeJS.ProcessEnv; cwd: string; logger?: Logger; onStderr?: (server: string, line: string) => void }): Promise<McpHub> {
  const hub = new McpHub({
    logger: opts.logger ?? silentLogger,
    onStderr: opts.onStderr,
    callTimeoutMs: cfg.callTimeoutMs,
    connectTimeoutMs: 20_000,
    reconnect: { maxAttempts: 0 },
    // A terminal already has the user's shell PATH: no login-shell lookup.
    loginShellPath: async () => undefined,
    variables: {
      workspaceFolder: opts.cwd,
      env: opts.env,
      resolveInput: async (input: McpInputDefinition) => opts.env[inputEnvName(input.id)] ?? input.default,
    },
  });
  await hub.update(cfg.load.servers, { inputs: cfg.load.inputs });
  return hub;
}

function reportIssues(cfg: CliMcpConfig, io: CliIO): void {
  for (const issue of cfg.load.issues) io.stderr.write(`switchyard mcp: skipped: ${issue.message}\n`);
  if (cfg.skippedWorkspaceServers.length) {
    io.stderr.write(`switchyard mcp: not started: ${cfg.skippedWorkspaceServers.join(', ')} from ./.vscode/mcp.json (pass --workspace-servers to start servers defined by this folder).\n`);
  }
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('mcp list', argv, {
    config: { type: 'string' },
    'workspace-servers': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length) throw new UsageError(`mcp list: unexpected argument "${positionals[0]}".`);
  const cfg = await loadCliMcpConfig({ configPath: values.config, env: io.env, cwd: io.cwd, workspaceServers: values['workspace-servers'] });
  reportIssues(cfg, io);
  const hub = await startCliHub(cfg, { env: io.env, cwd: io.cwd });
  try {
    const status = hub.status();
    if (values.json) {
      const out = {
        servers: status.map((s) => ({
          name: s.name,
          transport: s.connectedVia ?? s.transport,
          state: s.state,
          error: s.lastError ?? null,
          server: s.serverName ? { name: s.serverName, version: s.serverVersion ?? null } : null,
          tools: s.tools.map((t) => ({ name: t.name, modelName: hub.tools().find((x) => x.server === s.name && x.tool === t.name)?.name ?? null, description: t.description ?? null, disabled: s.disabledTools.includes(t.name) })),
          skippedTools: s.skippedTools,
          resources: s.resources.length,
          resourceTemplates: s.resourceTemplates.length,
          prompts: s.prompts.map((p) => p.name),
        })),
        issues: cfg.load.issues.map((i) => ({ server: i.server ?? null, message: i.message })),
      };
      await write(io.stdout, `${JSON.stringify(out, null, 2)}\n`);
    } else if (status.length === 0) {
      await write(io.stdout, 'No MCP servers configured. Add "mcpServers" to the config file (--config / SWITCHYARD_CONFIG) or use --workspace-servers for ./.vscode/mcp.json.\n');
    } else {
      await write(io.stdout, table(
        ['SERVER', 'TRANSPORT', 'STATE', 'TOOLS', 'RESOURCES', 'PROMPTS'],
        status.map((s) => [s.name, s.connectedVia ?? s.transport, s.state, String(s.tools.length), String(s.resources.length + s.resourceTemplates.length), String(s.prompts.length)]),
        [3, 4, 5],
      ));
      for (const s of status) {
        if (s.lastError) await write(io.stdout, `\n${s.name}: ${s.state}: ${s.lastError}\n`);
        for (const line of s.skippedTools) await write(io.stdout, `\n${s.name}: ${line}\n`);
        if (s.tools.length) {
          await write(io.stdout, `\n${s.name} tools:\n`);
          for (const t of s.tools) {
            const off = s.disabledTools.includes(t.name) ? ' (disabled)' : '';
            await write(io.stdout, `  ${t.name}${off}${t.description ? ` — ${t.description.split('\n')[0].slice(0, 100)}` : ''}\n`);
          }
        }
      }
    }
    return status.some((s) => s.state === 'error' || s.state === 'reconnecting') || cfg.load.issues.length > 0 ? 1 : 0;
  } finally {
    await hub.dispose();
  }
}

async function call(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('mcp call', argv, {
    config: { type: 'string' },
    'workspace-servers': { type: 'boolean', default: false },
    timeout: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const [server, tool, rawArgs = '{}', extra] = positionals;
  if (!server || !tool || extra !== undefined) throw new UsageError(`mcp call: expected SERVER TOOL '{json args}', e.g. switchyard mcp call everything echo '{"message":"hi"}'.`);
  let args: unknown;
  try {
    args = JSON.parse(rawArgs);
  } catch (err) {
    throw new UsageError(`mcp call: the arguments are not valid JSON (${(err as Error).message}). Quote them: '{"key": "value"}'.`);
  }
  if (!args || typeof args !== 'object' || Array.isArray(args)) throw new UsageError('mcp call: the arguments must be a JSON object.');
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) throw new UsageError(`mcp call: --timeout must be a positive integer (ms), got "${values.timeout}".`);

  const cfg = await loadCliMcpConfig({ configPath: values.config, env: io.env, cwd: io.cwd, workspaceServers: values['workspace-servers'] });
  cfg.load.servers = cfg.load.servers.filter((s) => s.name === server);
  if (cfg.load.servers.length === 0) {
    reportIssues(cfg, io);
    io.stderr.write(`switchyard mcp call: no MCP server named "${server}" is configured.\n`);
    return 2;
  }
  const stderrTail: string[] = [];
  const hub = await startCliHub(cfg, { env: io.env, cwd: io.cwd, onStderr: (_s, line) => stderrTail.push(line) });
  try {
    const s = hub.server(server)!;
    if (s.state !== 'connected') {
      io.stderr.write(`switchyard mcp call: server "${server}" did not start: ${s.lastError ?? s.state}\n`);
      if (stderrTail.length) io.stderr.write(`${stderrTail.slice(-5).map((l) => `  ${server}: ${l}`).join('\n')}\n`);
      return 1;
    }
    const def = s.tools.find((t) => t.name === tool);
    if (!def) {
      io.stderr.write(`switchyard mcp call: server "${server}" has no tool "${tool}". Its tools: ${s.tools.map((t) => t.name).join(', ') || 'none'}.\n`);
      return 2;
    }
    const check = createArgumentValidator().validate(def.inputSchema as Record<string, unknown>, args);
    if (!check.ok) {
      io.stderr.write(`switchyard mcp call: arguments do not match the schema of ${server}/${tool}:\n${check.errors.map((e) => `  ${e}`).join('\n')}\n`);
      return 2;
    }
    const result = await hub.callTool(server, tool, args as Record<string, unknown>, { timeoutMs: timeout });
    if (values.json) await write(io.stdout, `${JSON.stringify(result, null, 2)}\n`);
    else await write(io.stdout, `${renderToolResult(result)}\n`);
    if (result.isError) io.stderr.write(`switchyard mcp call: ${server}/${tool} reported an error.\n`);
    return result.isError ? 1 : 0;
  } catch (err) {
    if (err instanceof McpCallError) {
      io.stderr.write(`switchyard mcp call: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await hub.dispose();
  }
}

export const command: CliCommand = {
  name: 'mcp',
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'list') return list(rest, io);
    if (sub === 'call') return call(rest, io);
    throw new UsageError(`mcp: expected "list" or "call". Usage: switchyard ${usage}`);
  },
};

// ------------------------------------------------------------------ for `switchyard ask --tools`

export interface CliToolSession {
  hub: McpHub;
  source: ToolSource;
  /** Allows only tools named by --approve (and the config's mcp.alwaysAllow); refuses the rest. */
  approve: ApproveFn;
  /** One chat turn with tools (text events, then `result` for the whole turn). */
  stream(request: { messages: ChatMessage[]; task?: string; model?: string; maxTokens?: number; signal?: AbortSignal; parentSpan?: Span; beforeModelCall?: BeforeModelCall }): TurnStream;
  dispose(): Promise<void>;
}

/**
 * Starts the configured MCP servers for `switchyard ask --tools`. `approve` is the --approve list
 * ("server/tool", "server/*" or model-facing "server__tool" names): without it, every tool call
 * is refused and the model is told so — nothing runs silently. Tool activity goes to `io.stderr`.
 */
export async function openCliTools(opts: {
  router: Router;
  io: CliIO;
  approve: string[];
  configPath?: string;
  workspaceServers?: boolean;
  tracer?: Tracer;
  logger?: Logger;
}): Promise<CliToolSession> {
  const { io } = opts;
  const cfg = await loadCliMcpConfig({ configPath: opts.configPath, env: io.env, cwd: io.cwd, workspaceServers: opts.workspaceServers });
  reportIssues(cfg, io);
  const hub = await startCliHub(cfg, { env: io.env, cwd: io.cwd, logger: opts.logger });
  for (const s of hub.status()) {
    if (s.state !== 'connected' && s.state !== 'disabled') io.stderr.write(`switchyard: MCP server "${s.name}" is ${s.state}: ${s.lastError ?? ''}\n`);
    for (const line of s.skippedTools) io.stderr.write(`switchyard: MCP server "${s.name}": ${line}\n`);
  }
  const source = hubToolSource(hub);
  const approve = createListApprover([...opts.approve, ...cfg.alwaysAllow]);
  const describe = (e: ToolLoopEvent) => {
    if (e.type === 'tool_call_approved') io.stderr.write(`switchyard: running tool ${e.call.name} ${e.call.arguments}\n`);
    else if (e.type === 'tool_call_denied') io.stderr.write(`switchyard: tool ${e.call.name} not run: ${e.reason}\n`);
    else if (e.type === 'tool_call_result') io.stderr.write(`switchyard: tool ${e.call.name} ${e.isError ? 'failed' : 'done'} (${Buffer.byteLength(e.content)} bytes)\n`);
  };
  return {
    hub,
    source,
    approve,
    stream(request) {
      const runner = toolLoopTurnRunner({
        router: () => opts.router,
        tools: () => source,
        approve,
        maxRounds: () => cfg.maxToolRounds,
        tracer: opts.tracer ? () => opts.tracer! : undefined,
        logger: opts.logger,
        task: request.task,
        feature: 'cli',
        request: request.maxTokens ? { maxTokens: request.maxTokens } : undefined,
        onEvent: describe,
      });
      return runner({
        messages: request.messages,
        model: request.model,
        signal: request.signal ?? new AbortController().signal,
        parentSpan: request.parentSpan,
        attributes: {},
        onToolCall: () => {},
        beforeModelCall: request.beforeModelCall,
      });
    },
    dispose: () => hub.dispose(),
  };
}
