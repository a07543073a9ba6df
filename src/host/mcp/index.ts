/**
 * The MCP host: builds the hub from settings and `.vscode/mcp.json`, gates workspace-defined
 * servers behind workspace trust and a first-start confirmation, runs tool calls past the
 * approval it is given, writes server stderr to an Output channel, and offers "Switchyard: MCP Servers".
 */
import * as vscode from 'vscode';
import type { ApprovalPolicy } from '../../core/mcp/approval';
import {
  connectionKey,
  loadMcpConfigFile,
  mergeMcpConfigs,
  parseServerMap,
  type McpConfigLoad,
  type McpInputDefinition,
  type McpServerSpec,
} from '../../core/mcp/config';
import { McpHub, type McpServerStatus } from '../../core/mcp/hub';
import { hubToolSource, type ToolSource } from '../../core/mcp/toolSource';
import { mcpPromptCommands, mcpResourceResolver, promptToMessages } from '../../core/mcp/context';
import type { ContextResolver } from '../../core/chat/service';
import type { ContextChip } from '../../core/chat/types';
import type { ChatMessage } from '../../core/models/types';
import { registerSafeCommand, type HostServices } from '../hostServices';
import { SETTINGS_SECTION } from '../settings';

const CONFIRMED_KEY = 'switchyard.mcp.confirmedServers';
const INPUT_SECRET_PREFIX = 'switchyard.mcp.input.';

/** What the chat wiring needs from the MCP area. */
export interface McpHostHandle {
  readonly hub: McpHub;
  /** The hub's tools for the tool loop (current servers, names valid for every provider). */
  toolSource(): ToolSource;
  /** The extension's tool approval (host/toolApproval.ts), passed in by the composition root. */
  readonly approval: ApprovalPolicy;
  /** ChatServiceDeps.resolvers['mcp-resource']: reads a resource chip as untrusted context. */
  readonly resourceResolver: ContextResolver;
  /** The Chat tab's "attach MCP resource" picker ('chat/pickContext' kind 'mcp-resource'). */
  pickResource(): Promise<ContextChip | undefined>;
  /** Slash commands for the chat input, one per server prompt ("/server.prompt"). */
  promptCommands(): ReturnType<typeof mcpPromptCommands>;
  /** Runs a server prompt and returns its messages (to send, or to fill the input with). */
  expandPrompt(server: string, prompt: string, args: Record<string, string>): Promise<ChatMessage[]>;
}

const STATE_ICON: Record<McpServerStatus['state'], string> = {
  connected: '$(pass-filled)',
  starting: '$(loading~spin)',
  reconnecting: '$(sync~spin)',
  error: '$(error)',
  disabled: '$(circle-slash)',
  blocked: '$(shield)',
  stopped: '$(debug-stop)',
};

function describeTransport(spec: McpServerSpec): string {
  const t = spec.transport;
  return t.type === 'stdio' ? [t.command, ...t.args].join(' ') : `${t.type} ${t.url}`;
}

/** What the MCP area takes from the composition root. */
export interface McpAreaInputs {
  /** Asked before every tool call (the Chat tab's buttons, else the one approval modal). */
  approval: ApprovalPolicy;
}

/**
 * Registers the MCP area. Call once from the composition root; returns the handle the chat
 * wiring uses. Everything it creates is disposed with the extension.
 */
export function registerMcp(services: HostServices, { approval }: McpAreaInputs): McpHostHandle {
  const { context, logger } = services;
  const serverLog = vscode.window.createOutputChannel('Switchyard MCP', { log: true });
  context.subscriptions.push(serverLog);
  const workspaceFolder = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const inputCache = new Map<string, string>();

  const resolveInput = async (input: McpInputDefinition): Promise<string | undefined> => {
    const cached = inputCache.get(input.id) ?? (await context.secrets.get(INPUT_SECRET_PREFIX + input.id));
    if (cached !== undefined) return cached;
    const value =
      input.type === 'pickString' && input.options?.length
        ? await vscode.window.showQuickPick(input.options, { title: `MCP input "${input.id}"`, placeHolder: input.description, ignoreFocusOut: true })
        : await vscode.window.showInputBox({ title: `MCP input "${input.id}"`, prompt: input.description, password: input.password, value: input.default, ignoreFocusOut: true });
    if (value === undefined) return undefined;
    inputCache.set(input.id, value);
    await context.secrets.store(INPUT_SECRET_PREFIX + input.id, value);
    return value;
  };

  const hub = new McpHub({
    logger,
    onStderr: (server, line) => serverLog.info(`[${server}] ${line}`),
    callTimeoutMs: services.core.config.mcp.callTimeoutMs,
    variables: { workspaceFolder: workspaceFolder(), env: process.env, resolveInput },
    clientInfo: { name: 'switchyard', version: String(context.extension.packageJSON.version ?? '0.0.0') },
  });
  context.subscriptions.push({ dispose: () => void hub.dispose() });
  hub.onDidChange((name) => {
    const s = hub.server(name);
    if (s) serverLog.info(`server "${name}": ${s.state}${s.lastError ? ` — ${s.lastError}` : ''}${s.state === 'connected' ? ` (${s.tools.length} tools)` : ''}`);
  });

  /** Servers from user settings, workspace settings and every folder's .vscode/mcp.json. */
  async function loadConfig(): Promise<McpConfigLoad> {
    const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect<unknown>('mcpServers');
    const user = parseServerMap(inspected?.globalValue, { kind: 'settings' });
    const wsSettings = mergeMcpConfigs(
      { ...parseServerMap(inspected?.workspaceValue, { kind: 'workspace', path: 'workspace settings' }), inputs: [] },
      { ...parseServerMap(inspected?.workspaceFolderValue, { kind: 'workspace', path: 'folder settings' }), inputs: [] },
    );
    const files = await Promise.all(
      (vscode.workspace.workspaceFolders ?? []).map((f) => loadMcpConfigFile(vscode.Uri.joinPath(f.uri, '.vscode', 'mcp.json').fsPath, 'workspace', true)),
    );
    return mergeMcpConfigs({ ...user, inputs: [] }, wsSettings, ...files);
  }

  const confirmed = () => context.workspaceState.get<Record<string, string>>(CONFIRMED_KEY, {});
  const asking = new Set<string>();
  let lastIssues = '';

  /** Asks (once per server and connection config) whether a workspace-defined server may start. */
  async function confirmStart(spec: McpServerSpec): Promise<void> {
    if (asking.has(spec.name)) return;
    asking.add(spec.name);
    try {
      const start = 'Start server';
      const picked = await vscode.window.showWarningMessage(
        `This workspace defines the MCP server "${spec.name}". Start it?`,
        { modal: true, detail: `It runs: ${describeTransport(spec)}\nDefined in: ${spec.source.path ?? 'workspace settings'}\nOnly start servers you trust: they run with your permissions.` },
        start,
      );
      if (picked === start) {
        await context.workspaceState.update(CONFIRMED_KEY, { ...confirmed(), [spec.name]: connectionKey(spec) });
        await apply();
      }
    } finally {
      asking.delete(spec.name);
    }
  }

  let applying: Promise<void> = Promise.resolve();
  const apply = (): Promise<void> => {
    applying = applying.then(async () => {
      const load = await loadConfig();
      const issues = load.issues.map((i) => i.message).join('\n');
      if (issues && issues !== lastIssues) {
        for (const i of load.issues) logger.warn(`MCP config: skipped: ${i.message}`);
        void vscode.window.showWarningMessage(`Switchyard: ${load.issues.length} MCP server entr${load.issues.length === 1 ? 'y was' : 'ies were'} skipped: ${load.issues[0].message}`, 'Show Output').then((a) => a && serverLog.show());
      }
      lastIssues = issues;
      const blocked: Record<string, string> = {};
      const toConfirm: McpServerSpec[] = [];
      for (const spec of load.servers) {
        if (spec.source.kind !== 'workspace' || spec.disabled) continue;
        if (!vscode.workspace.isTrusted) blocked[spec.name] = 'servers defined by the workspace run only in a trusted workspace (Manage Workspace Trust)';
        else if (confirmed()[spec.name] !== connectionKey(spec)) {
          blocked[spec.name] = 'waiting for your confirmation to start this workspace-defined server';
          toConfirm.push(spec);
        }
      }
      hub.setCallTimeout(services.core.config.mcp.callTimeoutMs);
      await hub.update(load.servers, { inputs: load.inputs, blocked });
      for (const spec of toConfirm) void confirmStart(spec);
    });
    return applying.catch((err: unknown) => services.showError(err, 'starting MCP servers'));
  };

  void apply();
  const watcher = vscode.workspace.createFileSystemWatcher('**/.vscode/mcp.json');
  context.subscriptions.push(
    watcher,
    watcher.onDidChange(() => void apply()),
    watcher.onDidCreate(() => void apply()),
    watcher.onDidDelete(() => void apply()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.mcpServers`) || e.affectsConfiguration(`${SETTINGS_SECTION}.mcp`)) void apply();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void apply()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void apply()),
  );

  registerSafeCommand(services, 'switchyard.mcpServers', () => showServers(hub, serverLog, apply));

  return {
    hub,
    approval,
    resourceResolver: mcpResourceResolver(() => hub),
    pickResource: () => pickResource(hub),
    promptCommands: () => mcpPromptCommands(hub),
    expandPrompt: async (server, prompt, args) => promptToMessages(await hub.getPrompt(server, prompt, args)),
    toolSource: () => hubToolSource(hub),
  };
}

/** A QuickPick of every connected server's resources; the pick becomes an `mcp-resource` chip. */
async function pickResource(hub: McpHub): Promise<ContextChip | undefined> {
  type Item = vscode.QuickPickItem & { server: string; uri: string; name: string };
  const items: Item[] = hub.status().filter((s) => s.state === 'connected').flatMap((s) =>
    s.resources.map((r) => ({ label: r.title ?? r.name, description: s.name, detail: r.uri, server: s.name, uri: r.uri, name: r.name })),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No MCP resources: no connected server offers any. See "Switchyard: MCP Servers".');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Attach an MCP resource', matchOnDescription: true, matchOnDetail: true });
  return picked && { kind: 'mcp-resource', id: `mcp-${Date.now().toString(36)}`, server: picked.server, uri: picked.uri, name: picked.name };
}

/** "Switchyard: MCP Servers": status, tools and last error per server; restart, output, settings. */
async function showServers(hub: McpHub, serverLog: vscode.LogOutputChannel, reload: () => Promise<void>): Promise<void> {
  type Item = vscode.QuickPickItem & { server?: string; action?: 'reload' | 'settings' };
  const items = (): Item[] => [
    ...hub.status().map((s): Item => ({
      label: `${STATE_ICON[s.state]} ${s.name}`,
      description: `${s.state} · ${s.connectedVia ?? s.transport}${s.source.kind === 'workspace' ? ' · workspace' : ''}`,
      detail: s.lastError ? `$(warning) ${s.lastError}` : `${s.tools.length} tools · ${s.resources.length + s.resourceTemplates.length} resources · ${s.prompts.length} prompts${s.serverName ? ` · ${s.serverName} ${s.serverVersion ?? ''}` : ''}`,
      server: s.name,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(refresh) Reload MCP configuration', action: 'reload' },
    { label: '$(gear) Open MCP settings (servers, always-allowed tools)', action: 'settings' },
  ];
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'Switchyard: MCP Servers';
  qp.placeholder = hub.status().length ? 'Pick a server for its tools and actions' : 'No MCP servers configured (settings "switchyard.mcpServers" or .vscode/mcp.json)';
  qp.items = items();
  const off = hub.onDidChange(() => (qp.items = items()));
  const picked = await new Promise<Item | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  off();
  qp.dispose();
  if (!picked) return;
  if (picked.action === 'reload') return reload();
  if (picked.action === 'settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', `${SETTINGS_SECTION}.mcp`);
    return;
  }
  const name = picked.server!;
  const s = hub.server(name);
  if (!s) return;
  type Action = vscode.QuickPickItem & { run: () => unknown };
  const actions: Action[] = [
    { label: '$(debug-restart) Restart', run: () => hub.restart(name) },
    { label: '$(output) Show output', run: () => serverLog.show() },
    ...(s.lastError ? [{ label: '$(warning) Show last error', detail: s.lastError, run: () => vscode.window.showErrorMessage(`MCP server "${name}": ${s.lastError}`) }] : []),
    ...s.tools.map((t): Action => ({
      label: `$(tools) ${t.name}${s.disabledTools.includes(t.name) ? ' (disabled)' : ''}`,
      detail: t.description?.split('\n')[0],
      run: () => vscode.window.showInformationMessage(`${name}/${t.name}`, { modal: true, detail: `${t.description ?? ''}\n\nInput schema:\n${JSON.stringify(t.inputSchema, null, 2).slice(0, 3000)}` }),
    })),
    ...s.prompts.map((p): Action => ({ label: `$(comment) /${p.name}`, detail: p.description, run: () => undefined })),
  ];
  const action = await vscode.window.showQuickPick(actions, { title: `MCP server "${name}" — ${s.state}`, matchOnDetail: true });
  await action?.run();
}
