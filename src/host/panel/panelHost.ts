/**
 * The Switchyard panel in VS Code: a webview view in the activity bar (also openable beside the
 * editor), its validated message routing to the chat service, usage report and trace store, and
 * the editor commands (Ask About Selection, Insert at Cursor, Apply with a diff).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ConversationHistory } from '../../core/chat/history';
import { ChatService, type ChatEvent, type ContextResolver } from '../../core/chat/service';
import { expandSlashCommand, type SlashCommandSource } from '../../core/chat/slashCommands';
import type { TurnRunner } from '../../core/chat/turn';
import type { ContextChip, Conversation } from '../../core/chat/types';
import { markdownSummary, toCsv } from '../../core/cost/report';
import type { ApprovalChoice, ToolApprovalRequest } from '../../core/mcp/approval';
import type { TraceRecord } from '../../core/trace/types';
import { isSafeExternalLink, parseWebviewMessage, type HostMessage, type ModelOption, type PriceView, type Tab, type WebviewMessage } from '../../protocol/messages';
import { registerSafeCommand, type HostServices } from '../hostServices';
import { targetFor, valueAt } from '../settings';
import { ApprovalBroker } from './approvals';
import { CapBroker } from './capPrompts';
import type { CapDecision, CapPrompt } from '../../core/chat/spendCap';
import { formatUsd } from '../../core/cost/money';
import { renderPanelHtml } from './html';
import { modelIdsOf, summarizeTrace } from './traceView';
import { textToInsert } from './insertText';
import { buildUsageView, inRange, rangeDays } from './usageView';

export const VIEW_ID = 'switchyard.panel';
export const EDITOR_PANEL_TYPE = 'switchyard.panelEditor';
const ACTIVE_KEY = 'switchyard.chat.activeConversation';
const PROPOSED_SCHEME = 'switchyard-proposed';

/** Lets the user pick an MCP resource; undefined = cancelled. */
export type McpResourcePicker = () => Promise<ContextChip | undefined>;

/** What the composition root can plug into the panel after registering it. */
export interface PanelApi {
  /** Opens the panel on a tab (e.g. Show Cost Report → 'usage'). */
  showTab(tab: Tab): Promise<void>;
  /** The chat turn (the tool loop replaces the plain router call here). */
  setTurnRunner(runner: TurnRunner): void;
  /** @workspace retrieval, MCP resources, or a custom file reader. */
  setContextResolver(kind: ContextChip['kind'], resolver: ContextResolver | undefined): void;
  /** Picker for MCP resources (chat/pickContext 'mcp-resource'); undefined result = cancelled. */
  setMcpResourcePicker(picker: McpResourcePicker | undefined): void;
  /** MCP prompts as slash commands in the chat input. */
  setSlashCommands(source: SlashCommandSource | undefined): void;
  /** Chips offered each time the chat page loads (the workspace's instruction files). */
  setStandingChips(source: (() => Promise<ContextChip[]>) | undefined): void;
  /** Pass as ApprovalPolicyOptions.prompt: answered by the Chat tab's buttons, else a modal. */
  readonly approvalPrompt: (request: ToolApprovalRequest, signal?: AbortSignal) => Promise<ApprovalChoice | undefined>;
  readonly chat: ChatService;
}

interface Connection {
  webview: vscode.Webview;
  visible: () => boolean;
  /** The page sent 'ready' and was not hidden since (a hidden view's page is discarded). */
  ready: boolean;
}

/** Traces listed when the Traces tab opens: a page from the store, read from its file. */
const TRACE_PAGE = 200;

class PanelController implements vscode.WebviewViewProvider, vscode.WebviewPanelSerializer {
  readonly chat: ChatService;
  readonly broker: ApprovalBroker;
  readonly caps: CapBroker;
  private readonly connections = new Set<Connection>();
  private view: vscode.WebviewView | undefined;
  private pendingTab: Tab | undefined;
  private pendingChips: ContextChip[] = [];
  standingChips?: () => Promise<ContextChip[]>;
  private lastEditor: vscode.TextEditor | undefined;
  private mcpPicker: McpResourcePicker | undefined;
  slashCommands: SlashCommandSource | undefined;
  private traceUnsub: (() => void) | undefined;
  private usageTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly usageRange = new Map<Connection, number>();
  private readonly proposed = new Map<string, string>();
  private readonly proposedEmitter = new vscode.EventEmitter<vscode.Uri>();
  private proposedSeq = 0;

  constructor(private readonly services: HostServices) {
    const ctx = services.context;
    this.chat = new ChatService({
      history: new ConversationHistory(ctx.workspaceState, services.logger),
      core: () => services.core,
      logger: services.logger,
      modelLimits: (name) => {
        const core = services.core;
        const m = core.config.models[name];
        const entry = m ? core.catalog.lookup(m.id) : undefined;
        return entry ? { contextWindow: entry.contextWindow, maxOutputTokens: entry.maxOutputTokens } : undefined;
      },
      resolvers: { file: (chip, _q, signal) => this.readFileChip(chip, signal) },
      askCap: (prompt, signal) => this.caps.ask(prompt, signal),
    });
    this.caps = new CapBroker((prompt) => this.broadcast({ type: 'chat/capPrompt', ...prompt }), (prompt) => this.modalCap(prompt), () => [...this.connections].some((c) => c.visible()));
    this.broker = new ApprovalBroker((req, signal) => this.modalApproval(req, signal), () => [...this.connections].some((c) => c.visible()));
    this.lastEditor = vscode.window.activeTextEditor;
  }

  // ------------------------------------------------------------------ webview plumbing

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const conn: Connection = { webview: view.webview, visible: () => view.visible, ready: false };
    view.onDidChangeVisibility(() => {
      if (view.visible) return;
      // The hidden page is discarded; shown again, it asks for what it draws.
      conn.ready = false;
      this.usageRange.delete(conn);
    });
    this.attach(conn, () => view.onDidDispose);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    this.attachPanel(panel);
  }

  openInEditor(): void {
    const panel = vscode.window.createWebviewPanel(EDITOR_PANEL_TYPE, 'Switchyard', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, this.webviewOptions());
    this.attachPanel(panel);
  }

  private attachPanel(panel: vscode.WebviewPanel): void {
    panel.iconPath = vscode.Uri.joinPath(this.services.context.extensionUri, 'media', 'icon.png');
    const conn: Connection = { webview: panel.webview, visible: () => panel.visible, ready: false };
    panel.onDidChangeViewState(() => {
      if (panel.visible) return;
      conn.ready = false;
      this.usageRange.delete(conn);
    });
    this.attach(conn, () => panel.onDidDispose);
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.services.context.extensionUri, 'dist', 'webview')] };
  }

  private attach(conn: Connection, onDispose: () => vscode.Event<void>): void {
    const webview = conn.webview;
    webview.options = this.webviewOptions();
    const base = vscode.Uri.joinPath(this.services.context.extensionUri, 'dist', 'webview');
    webview.html = renderPanelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'main.css')).toString(),
    });
    this.connections.add(conn);
    const sub = webview.onDidReceiveMessage((raw: unknown) => {
      const parsed = parseWebviewMessage(raw);
      if (!parsed.ok) {
        this.services.logger.warn(`Switchyard panel: ${parsed.error}`);
        return;
      }
      void this.handle(conn, parsed.message).catch((err: unknown) => {
        this.services.logger.error(`Switchyard panel: ${parsed.message.type} failed: ${err instanceof Error ? err.message : String(err)}`);
        this.post(conn, { type: 'toast', level: 'error', text: err instanceof Error ? err.message : String(err) });
      });
    });
    onDispose()(() => {
      sub.dispose();
      this.connections.delete(conn);
      this.usageRange.delete(conn);
    });
  }

  private post(conn: Connection, msg: HostMessage): void {
    void conn.webview.postMessage(msg);
  }

  private broadcast(msg: HostMessage): void {
    for (const c of this.connections) this.post(c, msg);
  }

  // ------------------------------------------------------------------ lifecycle hooks

  start(): vscode.Disposable[] {
    const subs: vscode.Disposable[] = [
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e && e.document.uri.scheme !== PROPOSED_SCHEME) this.lastEditor = e;
      }),
      vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, {
        onDidChange: this.proposedEmitter.event,
        provideTextDocumentContent: (uri) => this.proposed.get(uri.toString()) ?? '',
      }),
      this.services.onDidChangeCore(() => {
        this.subscribeTraces();
        this.broadcast({ type: 'models', ...this.models() });
      }),
      this.services.onDidFinishCall(() => this.scheduleUsageRefresh()),
      { dispose: () => this.traceUnsub?.() },
    ];
    this.subscribeTraces();
    return subs;
  }

  private subscribeTraces(): void {
    this.traceUnsub?.();
    this.traceUnsub = this.services.core.traceStore.onDidAdd((trace) => {
      if (this.connections.size) this.broadcast({ type: 'traces/added', trace: summarizeTrace(trace) });
    });
  }

  private scheduleUsageRefresh(): void {
    if (this.usageRange.size === 0) return;
    clearTimeout(this.usageTimer);
    this.usageTimer = setTimeout(() => {
      // Only pages on screen: a hidden one asks again when shown.
      for (const [conn, days] of this.usageRange) if (conn.visible()) void this.sendUsage(conn, days);
    }, 1000);
  }

  // ------------------------------------------------------------------ commands

  /** Connections whose page is loaded and listening. */
  private live(): Connection[] {
    return [...this.connections].filter((c) => c.ready && c.visible());
  }

  async reveal(tab?: Tab): Promise<void> {
    if (tab) this.pendingTab = tab;
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    // A page still loading gets the tab with 'init' when it says 'ready'.
    const live = this.live();
    if (tab && live.length) {
      for (const c of live) this.post(c, { type: 'showTab', tab });
      this.pendingTab = undefined;
    }
  }

  async askAboutSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? this.lastEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Switchyard: open a file and select code to ask about.');
      await this.reveal('chat');
      return;
    }
    this.lastEditor = editor;
    const doc = editor.document;
    const sel = editor.selection;
    const range = sel.isEmpty ? new vscode.Range(0, 0, doc.lineCount - 1, doc.lineAt(doc.lineCount - 1).text.length) : new vscode.Range(sel.start, sel.end);
    const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
    const chip: ContextChip = {
      kind: 'selection',
      id: `sel-${Date.now().toString(36)}`,
      path: vscode.workspace.asRelativePath(doc.uri, false),
      uri: doc.uri.toString(),
      startLine: range.start.line + 1,
      endLine: endLine + 1,
      language: doc.languageId,
      text: doc.getText(range).slice(0, 400_000),
    };
    this.pendingChips.push(chip);
    await this.reveal('chat');
    this.flushChips();
  }

  private flushChips(): void {
    const live = this.live();
    if (!live.length) return;
    for (const chip of this.pendingChips.splice(0)) for (const c of live) this.post(c, { type: 'chat/addChip', chip });
  }

  // ------------------------------------------------------------------ messages

  private models(): { models: ModelOption[]; routeModel?: string } {
    const config = this.services.core.config;
    const models = Object.entries(config.models).map(([name, m]) => ({ name, provider: m.provider, id: m.id, contextWindow: m.contextWindow }));
    return { models, routeModel: config.pinned.chat ?? config.routes.chat?.[0] };
  }

  private activeId(): string | undefined {
    return this.services.context.workspaceState.get<string>(ACTIVE_KEY);
  }

  private async setActive(id: string | undefined): Promise<void> {
    await this.services.context.workspaceState.update(ACTIVE_KEY, id);
  }

  private sendConversation(conversation: Conversation | null): void {
    this.broadcast({ type: 'chat/conversation', conversation: forView(conversation), running: conversation ? this.chat.isRunning(conversation.id) : false });
    this.broadcast({ type: 'chat/conversations', conversations: this.chat.list() });
  }

  private emitChat = (ev: ChatEvent): void => {
    switch (ev.type) {
      case 'conversation':
        void this.setActive(ev.conversation.id);
        this.sendConversation(ev.conversation);
        break;
      case 'delta':
        this.broadcast({ type: 'chat/delta', conversationId: ev.conversationId, messageId: ev.messageId, text: ev.text });
        break;
      case 'notice':
        this.broadcast({ type: 'chat/notice', conversationId: ev.conversationId, messageId: ev.messageId, text: ev.text });
        break;
      case 'toolCall':
        this.broker.observe(ev.call);
        this.broadcast({ type: 'chat/toolCall', conversationId: ev.conversationId, messageId: ev.messageId, call: ev.call });
        break;
      case 'done':
        this.broadcast({ type: 'chat/done', conversationId: ev.conversationId, message: ev.message });
        this.broadcast({ type: 'chat/conversations', conversations: this.chat.list() });
        break;
    }
  };

  private async handle(conn: Connection, msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready': {
        conn.ready = true;
        const id = this.activeId();
        const active = (id && this.chat.get(id)) || null;
        this.post(conn, { type: 'init', ...this.models(), conversations: this.chat.list(), active: forView(active), running: active ? this.chat.isRunning(active.id) : false, tab: this.pendingTab });
        this.pendingTab = undefined;
        this.flushChips();
        void this.standingChips?.().then((chips) => chips.forEach((chip) => this.post(conn, { type: 'chat/addChip', chip })), (err: unknown) => this.services.logger.warn(`Instruction files not offered: ${String(err)}`));
        return;
      }
      case 'chat/instructions':
        return void (await vscode.commands.executeCommand('switchyard.chat.includeInstructions', msg.include));
      case 'chat/listSlashCommands':
        this.post(conn, { type: 'chat/slashCommands', commands: this.slashCommands?.list() ?? [] });
        return;
      case 'chat/send':
        try {
          // "/server.prompt args" runs that MCP prompt; its messages become the question.
          const text = (this.slashCommands && (await expandSlashCommand(msg.text, this.slashCommands))) || msg.text;
          await this.chat.send({ conversationId: msg.conversationId, text, chips: msg.chips, model: msg.model }, this.emitChat);
        } catch (err) {
          this.post(conn, { type: 'chat/error', error: { kind: 'internal', message: err instanceof Error ? err.message : String(err), actions: [] } });
        }
        return;
      case 'chat/estimate': {
        const estimate = await this.chat.estimate({ conversationId: msg.conversationId, text: msg.text, chips: msg.chips, model: msg.model });
        this.post(conn, { type: 'chat/estimate', seq: msg.seq, estimate: estimate ?? null });
        break;
      }
      case 'cost/setCaps': {
        const target = targetFor('cost');
        const current: Record<string, unknown> = { ...(valueAt<Record<string, unknown>>('cost', target) ?? {}) };
        for (const key of ['maxTurnUsd', 'maxConversationUsd'] as const) {
          if (msg[key] === null) delete current[key];
          else current[key] = msg[key];
        }
        await vscode.workspace.getConfiguration('switchyard').update('cost', Object.keys(current).length ? current : undefined, target);
        this.post(conn, { type: 'toast', level: 'info', text: 'Spend caps saved (switchyard.cost).' });
        break;
      }
      case 'chat/capDecide':
        if (!this.caps.decide(msg.conversationId, msg.decision)) this.post(conn, { type: 'toast', level: 'warn', text: 'That conversation is no longer waiting at a spend cap.' });
        break;
      case 'chat/stop':
        this.chat.stop(msg.conversationId);
        return;
      case 'chat/retry':
        try {
          await this.chat.retry(msg.conversationId, msg.messageId, msg.model, this.emitChat);
        } catch (err) {
          this.post(conn, { type: 'chat/error', error: { kind: 'internal', message: err instanceof Error ? err.message : String(err), actions: [] } });
        }
        return;
      case 'chat/new': {
        const c = await this.chat.create();
        await this.setActive(c.id);
        this.sendConversation(c);
        return;
      }
      case 'chat/select': {
        const c = this.chat.get(msg.conversationId) ?? null;
        await this.setActive(c?.id);
        this.sendConversation(c);
        return;
      }
      case 'chat/delete': {
        const c = this.chat.get(msg.conversationId);
        if (!c) return;
        const ok = await vscode.window.showWarningMessage(`Delete the conversation "${c.title}"?`, { modal: true }, 'Delete');
        if (ok !== 'Delete') return;
        await this.chat.delete(c.id);
        const next = this.chat.list()[0];
        const conv = next ? this.chat.get(next.id) ?? null : null;
        await this.setActive(conv?.id);
        this.sendConversation(conv);
        return;
      }
      case 'chat/compact': {
        const out = await this.chat.compact(msg.conversationId);
        if (out.conversation) this.sendConversation(out.conversation);
        if (out.reason) this.post(conn, { type: 'toast', level: 'info', text: out.reason });
        return;
      }
      case 'chat/rename': {
        const c = await this.chat.rename(msg.conversationId, msg.title);
        if (c) this.sendConversation(c);
        return;
      }
      case 'chat/setModel': {
        const model = msg.model ?? undefined;
        if (model && !this.services.core.config.models[model]) throw new Error(`Unknown model "${model}": add it under switchyard.models.`);
        const c = msg.conversationId ? await this.chat.setModel(msg.conversationId, model) : await this.chat.create(model);
        if (c) {
          await this.setActive(c.id);
          this.sendConversation(c);
        }
        return;
      }
      case 'chat/pickContext':
        return msg.kind === 'file' ? this.pickFile(conn) : this.pickMcpResource(conn);
      case 'code/copy':
        await vscode.env.clipboard.writeText(msg.code);
        this.post(conn, { type: 'toast', level: 'info', text: 'Copied to the clipboard.' });
        return;
      case 'code/insert':
        return this.insertAtCursor(msg.code);
      case 'code/apply':
        return this.applyWithDiff(msg.code, msg.conversationId);
      case 'link/open':
        if (await this.openWorkspaceLink(msg.href)) return;
        if (!isSafeExternalLink(msg.href)) {
          this.post(conn, { type: 'toast', level: 'warn', text: `Not opening ${msg.href.slice(0, 100)}: only http, https and mailto links open from the panel.` });
          return;
        }
        await vscode.env.openExternal(vscode.Uri.parse(msg.href, true));
        return;
      case 'action/run':
        if (msg.fix.action === 'setKey') await vscode.commands.executeCommand('switchyard.setApiKey', msg.fix.provider ? { provider: msg.fix.provider } : undefined);
        else if (msg.fix.action === 'openSettings') await vscode.commands.executeCommand('workbench.action.openSettings', 'switchyard');
        else if (msg.fix.action === 'switchModel') await vscode.commands.executeCommand('switchyard.switchModel');
        else if (msg.fix.action === 'addModel') await vscode.commands.executeCommand('switchyard.addModel');
        return;
      case 'tool/decide':
        if (!this.broker.decide(msg.callId, msg.decision)) this.post(conn, { type: 'toast', level: 'warn', text: 'That tool call is no longer waiting for approval.' });
        return;
      case 'usage/request':
        this.usageRange.set(conn, msg.rangeDays);
        return this.sendUsage(conn, msg.rangeDays);
      case 'usage/close':
        this.usageRange.delete(conn);
        return;
      case 'usage/export':
        return this.exportUsage(msg.format, msg.rangeDays);
      case 'traces/request': {
        const traces = (await this.services.core.traceStore.page(0, TRACE_PAGE)).map(summarizeTrace);
        this.post(conn, { type: 'traces/list', traces });
        return;
      }
      case 'traces/get': {
        const trace = await this.services.core.traceStore.find(msg.traceId);
        this.post(conn, { type: 'traces/detail', traceId: msg.traceId, trace: trace ?? null, prices: trace ? this.pricesOf(trace) : undefined });
        return;
      }
      case 'traces/copy': {
        const trace = await this.services.core.traceStore.find(msg.traceId);
        if (!trace) throw new Error(`Trace ${msg.traceId} is no longer in the store.`);
        await vscode.env.clipboard.writeText(JSON.stringify(trace, null, 2));
        this.post(conn, { type: 'toast', level: 'info', text: 'Trace copied as JSON.' });
        return;
      }
      case 'traces/openRaw': {
        const trace = await this.services.core.traceStore.find(msg.traceId);
        if (!trace) throw new Error(`Trace ${msg.traceId} is no longer in the store.`);
        const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(trace, null, 2) });
        await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Active });
        return;
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private pricesOf(trace: TraceRecord): Record<string, PriceView> {
    const out: Record<string, PriceView> = {};
    const core = this.services.core;
    for (const id of modelIdsOf(trace)) {
      const override = Object.values(core.config.models).find((m) => m.id === id)?.price;
      const price = core.catalog.priceFor(id, override);
      if (price) out[id] = price;
    }
    return out;
  }

  /** From the ledger's per-day totals: each refresh reads only what was appended since the last one. */
  private async sendUsage(conn: Connection, rangeDays: number): Promise<void> {
    const core = this.services.core;
    const nowMs = core.clock.now();
    const totals = await core.ledger.totals();
    await core.budget.ready();
    this.post(conn, { type: 'usage/data', usage: buildUsageView(totals, { nowMs, rangeDays, budget: core.budget.state(), prices: { asOf: core.catalog.version, source: core.catalog.source }, caps: { maxTurnUsd: core.config.cost?.maxTurnUsd, maxConversationUsd: core.config.cost?.maxConversationUsd } }) });
  }

  private async exportUsage(format: 'csv' | 'markdown', rangeDayCount: number): Promise<void> {
    const core = this.services.core;
    const nowMs = core.clock.now();
    if (format === 'markdown') {
      const days = new Set(rangeDays(nowMs, rangeDayCount));
      await core.budget.ready();
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdownSummary((await core.ledger.totals()).within({ days }), core.budget.state()) });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Active });
      return;
    }
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(core.dataDir);
    const uri = await vscode.window.showSaveDialog({
      title: 'Switchyard: Export usage CSV',
      defaultUri: vscode.Uri.joinPath(base, `switchyard-usage-${new Date(nowMs).toISOString().slice(0, 10)}.csv`),
      filters: { CSV: ['csv'] },
    });
    if (!uri) return;
    const records = inRange(await core.ledger.read({ sinceMs: nowMs - (rangeDayCount + 1) * 86_400_000 }), nowMs, rangeDayCount);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(toCsv(records), 'utf8'));
    void vscode.window.showInformationMessage(`Switchyard: exported ${records.length} calls to ${uri.fsPath}.`);
  }

  /** A relative link in an answer (e.g. "src/a.ts#L10") opens that workspace file; false when it is not one. */
  private async openWorkspaceLink(href: string): Promise<boolean> {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return false;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return false;
    const [file, fragment] = href.split('#');
    if (!file) return false;
    const target = vscode.Uri.joinPath(folder.uri, decodeURIComponent(file));
    const root = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
    if (!target.path.startsWith(root)) return false; // ".." out of the workspace
    try {
      await vscode.workspace.fs.stat(target);
    } catch {
      return false;
    }
    const line = /^L(\d+)/.exec(fragment ?? '')?.[1];
    const pos = line ? new vscode.Position(Math.max(0, Number(line) - 1), 0) : undefined;
    await vscode.window.showTextDocument(target, { preview: true, selection: pos ? new vscode.Range(pos, pos) : undefined, viewColumn: vscode.ViewColumn.Active });
    return true;
  }

  private async pickFile(conn: Connection): Promise<void> {
    const files = await vscode.workspace.findFiles('**/*', '**/{node_modules,.git,dist,out,build}/**', 5000);
    if (files.length === 0) {
      this.post(conn, { type: 'toast', level: 'warn', text: 'No files in the workspace.' });
      return;
    }
    const items = files
      .map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri, false), uri }))
      .sort((a, b) => a.description.localeCompare(b.description));
    const picked = await vscode.window.showQuickPick(items, { title: 'Switchyard: attach a file', matchOnDescription: true, canPickMany: true });
    for (const p of picked ?? []) {
      this.post(conn, { type: 'chat/addChip', chip: { kind: 'file', id: `file-${p.description}`.slice(0, 128), path: p.description, uri: p.uri.toString() } });
    }
  }

  private async pickMcpResource(conn: Connection): Promise<void> {
    if (!this.mcpPicker) {
      this.post(conn, { type: 'toast', level: 'warn', text: 'No MCP server with resources is connected (add one under switchyard.mcpServers or .vscode/mcp.json).' });
      return;
    }
    const chip = await this.mcpPicker();
    if (chip) this.post(conn, { type: 'chat/addChip', chip });
  }

  async newChat(): Promise<void> {
    await this.reveal('chat');
    const c = await this.chat.create();
    await this.setActive(c.id);
    this.sendConversation(c);
  }

  setMcpPicker(picker: McpResourcePicker | undefined): void {
    this.mcpPicker = picker;
  }

  /** The spend-cap question when no panel is visible. */
  private async modalCap(prompt: CapPrompt): Promise<CapDecision> {
    const more = `Continue for about ${formatUsd(prompt.extraUsd)} more`;
    const cheaper = prompt.cheaperModel ? `Switch to ${prompt.cheaperModel}` : undefined;
    const picked = await vscode.window.showWarningMessage(prompt.message, { modal: true }, more, ...(cheaper ? [cheaper] : []), 'Stop');
    return picked === more ? 'continue' : picked !== undefined && picked === cheaper ? 'switch' : 'stop';
  }

  private async readFileChip(chip: ContextChip, signal: AbortSignal): Promise<Array<{ kind: 'file'; title: string; language?: string; content: string }>> {
    if (chip.kind !== 'file' || !chip.uri) throw new Error('The file chip has no location.');
    const uri = vscode.Uri.parse(chip.uri, true);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (signal.aborted) return [];
    const max = this.services.core.config.rag.maxFileBytes;
    const text = doc.getText();
    const content = text.length > max ? `${text.slice(0, max)}\n… (truncated at ${max} characters)` : text;
    return [{ kind: 'file', title: chip.path, language: doc.languageId, content }];
  }

  private targetEditor(): vscode.TextEditor | undefined {
    const e = vscode.window.activeTextEditor;
    if (e && e.document.uri.scheme !== PROPOSED_SCHEME) return e;
    const last = this.lastEditor;
    if (last && vscode.window.visibleTextEditors.includes(last)) return last;
    return vscode.window.visibleTextEditors.find((v) => v.document.uri.scheme === 'file');
  }

  private async insertAtCursor(code: string): Promise<void> {
    const editor = this.targetEditor();
    if (!editor) throw new Error('No editor to insert into: open a file first.');
    const doc = editor.document;
    const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const ok = await editor.edit((b) => {
      for (const s of editor.selections) {
        const before = doc.lineAt(s.start.line).text.slice(0, s.start.character);
        const after = doc.lineAt(s.end.line).text.slice(s.end.character);
        b.replace(s, textToInsert(code, { before, after, eol }));
      }
    });
    if (!ok) throw new Error(`Could not insert into ${vscode.workspace.asRelativePath(editor.document.uri)} (is it read-only?).`);
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: editor.selection });
  }

  /** The selection chip of the latest question, when its file is open and unchanged there. */
  private async applyTarget(conversationId: string | undefined): Promise<{ doc: vscode.TextDocument; range: vscode.Range; label: string }> {
    const conv = conversationId ? this.chat.get(conversationId) : undefined;
    const chip = conv?.messages
      .filter((m) => m.role === 'user')
      .flatMap((m) => m.chips ?? [])
      .filter((c): c is Extract<ContextChip, { kind: 'selection' }> => c.kind === 'selection' && !!c.uri)
      .at(-1);
    if (chip?.uri) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(chip.uri, true));
      const last = Math.min(chip.endLine - 1, doc.lineCount - 1);
      const range = new vscode.Range(chip.startLine - 1, 0, last, doc.lineAt(last).text.length);
      if (doc.getText(range).trimEnd() === chip.text.trimEnd()) return { doc, range, label: `${chip.path}:${chip.startLine}-${chip.endLine}` };
    }
    const editor = this.targetEditor();
    if (!editor) throw new Error('Nothing to apply to: select code in an editor (or ask about a selection) first.');
    const doc = editor.document;
    const range = editor.selection.isEmpty ? new vscode.Range(0, 0, doc.lineCount - 1, doc.lineAt(doc.lineCount - 1).text.length) : new vscode.Range(editor.selection.start, editor.selection.end);
    const rel = vscode.workspace.asRelativePath(doc.uri, false);
    return { doc, range, label: editor.selection.isEmpty ? rel : `${rel}:${range.start.line + 1}-${range.end.line + 1}` };
  }

  private async applyWithDiff(code: string, conversationId: string | undefined): Promise<void> {
    const { doc, range, label } = await this.applyTarget(conversationId);
    const before = doc.getText();
    const version = doc.version;
    const start = doc.offsetAt(range.start);
    const end = doc.offsetAt(range.end);
    const replacement = code.endsWith('\n') && !doc.getText(range).endsWith('\n') ? code.slice(0, -1) : code;
    const after = before.slice(0, start) + replacement + before.slice(end);
    const proposedUri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${++this.proposedSeq}/${path.basename(doc.uri.path)}` });
    this.proposed.set(proposedUri.toString(), after);
    this.proposedEmitter.fire(proposedUri);
    try {
      await vscode.commands.executeCommand('vscode.diff', doc.uri, proposedUri, `Switchyard: apply to ${label}`, { preview: true });
      const choice = await vscode.window.showInformationMessage(`Apply the suggested change to ${label}?`, 'Apply', 'Discard');
      if (choice !== 'Apply') return;
      if (doc.version !== version) throw new Error(`${label} changed while the diff was open; apply again.`);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, range, replacement);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not apply the change to ${label}.`);
      await vscode.window.showTextDocument(doc, { preview: false });
    } finally {
      this.proposed.delete(proposedUri.toString());
    }
  }

  private async modalApproval(req: ToolApprovalRequest, signal?: AbortSignal): Promise<ApprovalChoice | undefined> {
    if (signal?.aborted) return undefined;
    const args = JSON.stringify(req.arguments);
    const choice = await vscode.window.showWarningMessage(
      `Switchyard: allow the tool "${req.tool}" from MCP server "${req.server}"?`,
      { modal: true, detail: `Arguments: ${args.length > 500 ? `${args.slice(0, 500)}…` : args}${req.description ? `\n\n${req.description}` : ''}` },
      'Allow once',
      'Allow for this session',
      'Always allow',
      'Deny',
    );
    const map: Record<string, ApprovalChoice> = { 'Allow once': 'once', 'Allow for this session': 'session', 'Always allow': 'always', Deny: 'deny' };
    return choice ? map[choice] : undefined;
  }
}

/** The conversation as the webview shows it: without the expanded prompts (file contents etc.). */
function forView(c: Conversation | null): Conversation | null {
  if (!c) return null;
  return { ...c, messages: c.messages.map(({ promptContent: _omit, ...m }) => m) };
}

/**
 * Registers the panel (activity-bar view + editor panel), its commands and the Ask About
 * Selection command. Returns the seams the composition root wires (tool loop, retrieval, MCP).
 */
export function registerPanel(services: HostServices): PanelApi {
  const controller = new PanelController(services);
  const ctx = services.context;
  ctx.subscriptions.push(
    vscode.window.registerWebviewViewProvider(VIEW_ID, controller),
    vscode.window.registerWebviewPanelSerializer(EDITOR_PANEL_TYPE, controller),
    ...controller.start(),
  );
  registerSafeCommand(services, 'switchyard.openPanel', () => controller.reveal());
  registerSafeCommand(services, 'switchyard.openPanelInEditor', () => controller.openInEditor());
  registerSafeCommand(services, 'switchyard.askAboutSelection', () => controller.askAboutSelection());
  registerSafeCommand(services, 'switchyard.newChat', () => controller.newChat());
  registerSafeCommand(services, 'switchyard.showUsage', () => controller.reveal('usage'));
  registerSafeCommand(services, 'switchyard.showTraces', () => controller.reveal('traces'));
  return {
    showTab: (tab) => controller.reveal(tab),
    setTurnRunner: (runner) => controller.chat.setTurnRunner(runner),
    setContextResolver: (kind, resolver) => controller.chat.setResolver(kind, resolver),
    setMcpResourcePicker: (picker) => controller.setMcpPicker(picker),
    setSlashCommands: (source) => (controller.slashCommands = source),
    setStandingChips: (source) => (controller.standingChips = source),
    approvalPrompt: controller.broker.prompt,
    chat: controller.chat,
  };
}
