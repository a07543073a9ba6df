/**
 * The panel host in plain Node (vscode replaced by test/support/fakeVscode, extended here with
 * the webview APIs): every webview message is validated, a chat turn streams through the real
 * router, tracer and ledger to the webview, traces and usage reach their tabs, links and fix
 * actions go through VS Code, and malformed messages are dropped.
 */
import { priceOverrides } from '../../src/core/app';
import * as fakeVs from '../support/fakeVscode';
import { clipboard, opened, providers } from '../webview/fakeVscodeWebview';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { parseConfig } from '../../src/core/config/schema';
import { BudgetTracker } from '../../src/core/cost/budget';
import { PriceCatalog } from '../../src/core/cost/catalog';
import { silentLogger, type Logger } from '../../src/core/logger';
import { ModelError } from '../../src/core/models/errors';
import type { ModelAdapter, ModelEvent } from '../../src/core/models/types';
import { createRouter } from '../../src/core/router/router';
import { MemoryTraceStore } from '../../src/core/trace/store';
import { createTracer } from '../../src/core/trace/tracer';
import type { HostServices } from '../../src/host/hostServices';
import type { SlashCommandSource } from '../../src/core/chat/slashCommands';
import { createPanelChat } from '../../src/host/panel/chatService';
import { PanelConnections } from '../../src/host/panel/connections';
import { registerPanel, VIEW_ID, type PanelApi } from '../../src/host/panel/panelHost';
import { createPanelQuestions } from '../../src/host/panel/questions';
import type { HostMessage } from '../../src/protocol/messages';
import { MemoryLedger } from '../support/memoryLedger';

function adapter(script: () => ModelEvent[]): ModelAdapter {
  return {
    providerName: 'oa',
    kind: 'openai',
    async *stream(_m, _r, signal) {
      for (const ev of script()) {
        if (signal.aborted) return void (yield { type: 'error', error: new ModelError({ kind: 'aborted', message: 'aborted' }) });
        yield ev;
        await new Promise((r) => setImmediate(r));
      }
    },
    async embed() {
      throw new Error('unused');
    },
  };
}

const settle = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('chat: panel host message routing (fake vscode, real router/tracer/ledger)', () => {
  let dir: string;
  let posted: HostMessage[];
  let receive: (m: unknown) => void;
  let warnings: string[];
  let script: () => ModelEvent[];
  let ledger: MemoryLedger;
  let traceStore: MemoryTraceStore;
  let html: string;
  let panelApi: PanelApi;
  let slash: SlashCommandSource | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-panel-'));
    fakeVs.fake.reset();
    const config = parseConfig({
      providers: { oa: { kind: 'openai' } },
      models: { mini: { provider: 'oa', id: 'gpt-4.1-mini' } },
      routes: { chat: ['mini'] },
    });
    ledger = new MemoryLedger();
    traceStore = new MemoryTraceStore({ maxTraces: 50, maxBytes: 1_000_000 });
    const tracer = createTracer({ store: traceStore });
    const budget = new BudgetTracker(config.budget, ledger);
    const catalog = new PriceCatalog(undefined, priceOverrides(config, silentLogger));
    script = () => [{ type: 'text', text: 'Hello ' }, { type: 'text', text: '`world`' }, { type: 'usage', usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 } }, { type: 'finish', reason: 'stop' }];
    const router = createRouter({ config, adapterFor: async () => adapter(() => script()), catalog, ledger, tracer, budget, logger: silentLogger });
    const core = { config, router, ledger, tracer, traceStore, logger: silentLogger, dataDir: dir, clock: { now: () => Date.now() }, catalog, budget };
    warnings = [];
    const logger: Logger = { ...silentLogger, warn: (m) => void warnings.push(m) };
    const memento = new Map<string, unknown>();
    const context = {
      subscriptions: [] as { dispose(): unknown }[],
      extensionUri: fakeVs.Uri.file('/ext'),
      workspaceState: { get: (k: string) => memento.get(k), update: async (k: string, v: unknown) => void (v === undefined ? memento.delete(k) : memento.set(k, v)) },
    };
    const noop = () => ({ dispose() {} });
    const services = { context, logger, core, onDidChangeCore: noop, onDidFinishCall: noop, showError: () => {} } as unknown as HostServices;
    // Built as the composition root builds it: the chat and the questions first, then the panel.
    const connections = new PanelConnections();
    const questions = createPanelQuestions(connections);
    const chat = createPanelChat(services, { approve: async () => ({ allowed: false, reason: 'no tools in this test' }), askCap: questions.caps.ask });
    const slashCommands: SlashCommandSource = { list: () => slash?.list() ?? [], expand: (command, args) => slash!.expand(command, args) };
    panelApi = registerPanel(services, { chat, connections, questions, sources: { slashCommands } });
    posted = [];
    const webview = {
      options: {},
      html: '',
      cspSource: 'vscode-webview://test',
      asWebviewUri: (u: { fsPath: string }) => ({ toString: () => `vscode-webview://test${u.fsPath}` }),
      postMessage: async (m: HostMessage) => (posted.push(m), true),
      onDidReceiveMessage: (l: (m: unknown) => void) => ((receive = l), { dispose() {} }),
    };
    providers.get(VIEW_ID)!.resolveWebviewView({ webview, visible: true, onDidDispose: () => ({ dispose() {} }), onDidChangeVisibility: () => ({ dispose() {} }) } as unknown as vscode.WebviewView);
    html = webview.html;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const of = <T extends HostMessage['type']>(type: T) => posted.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);

  it('serves the page with a nonce CSP and the bundle from dist/webview', () => {
    assert.match(html, /script-src 'nonce-[A-Za-z0-9_-]{16,}'/);
    assert.match(html, /src="vscode-webview:\/\/test\/ext\/dist\/webview\/main\.js"/);
    assert.match(html, /href="vscode-webview:\/\/test\/ext\/dist\/webview\/main\.css"/);
  });

  it('answers ready with init (models, route head, no conversation yet)', async () => {
    receive({ type: 'ready' });
    await settle();
    const init = of('init')[0]!;
    assert.deepEqual(init.models.map((m) => m.name), ['mini']);
    assert.equal(init.routeModel, 'mini');
    assert.equal(init.active, null);
  });

  it('streams a chat turn to the webview and records it in the ledger and the trace store', async () => {
    posted.length = 0;
    receive({ type: 'chat/send', text: 'Say hello', chips: [{ kind: 'selection', id: 's', path: 'a.ts', startLine: 1, endLine: 1, text: 'x' }] });
    await settle(60);
    const deltas = of('chat/delta').map((d) => d.text);
    assert.deepEqual(deltas, ['Hello ', '`world`']);
    const done = of('chat/done')[0]!;
    assert.equal(done.message.status, 'ok');
    assert.equal(done.message.content, 'Hello `world`');
    assert.equal(done.message.model, 'mini');
    assert.deepEqual(done.message.usage, { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.equal(typeof done.message.costUsd, 'number', 'gpt-4.1-mini has a catalog price');
    assert.equal(ledger.records.length, 1);
    assert.equal(ledger.records[0]!.traceId, done.message.traceId, 'the answer links to its trace');
    const trace = traceStore.get(done.message.traceId!)!;
    assert.ok(trace, 'the trace is stored');
    assert.equal(trace.spans.find((s) => !s.parentSpanId)!.attributes['switchyard.chat.trimmed_messages'], 0);
    assert.ok(of('traces/added').some((t) => t.trace.traceId === done.message.traceId), 'the Traces tab is told live');
    assert.ok(of('chat/conversations').at(-1)!.conversations.some((c) => c.title === 'Say hello'));
  });

  it('shows an inline error with the fix when the provider rejects the key, and runs the fix through VS Code', async () => {
    const convId = of('chat/conversation').at(-1)?.conversation?.id;
    assert.ok(convId);
    posted.length = 0;
    script = () => [{ type: 'error', error: new ModelError({ kind: 'auth', status: 401, provider: 'oa', message: 'OpenAI rejected the API key (401).', fix: 'Run Switchyard: Set API Key' }) }];
    receive({ type: 'chat/send', conversationId: convId, text: 'again', chips: [] });
    await settle(60);
    const done = of('chat/done')[0]!;
    assert.equal(done.conversationId, convId, 'the same conversation continues');
    assert.equal(done.message.status, 'error');
    assert.equal(done.message.error?.kind, 'auth');
    const fix = done.message.error!.actions[0]!;
    assert.deepEqual(fix, { action: 'setKey', label: 'Set oa API key', provider: 'oa' });
    receive({ type: 'action/run', fix });
    await settle();
    assert.deepEqual(fakeVs.fake.executed.at(-1), { command: 'switchyard.setApiKey', args: [{ provider: 'oa' }] });
  });

  it('lists traces newest first and sends a detail with the prices used', async () => {
    posted.length = 0;
    receive({ type: 'traces/request' });
    await settle();
    const list = of('traces/list')[0]!.traces;
    assert.equal(list.length, 2);
    assert.equal(list[0]!.status, 'error');
    assert.equal(list[1]!.status, 'ok');
    receive({ type: 'traces/get', traceId: list[1]!.traceId });
    await settle();
    const detail = of('traces/detail')[0]!;
    assert.ok(detail.trace && detail.trace.spans.length >= 3);
    assert.ok(detail.prices?.['gpt-4.1-mini'], 'the catalog price of the model is attached');
  });

  it('computes the Usage tab from the ledger', async () => {
    posted.length = 0;
    receive({ type: 'usage/request', rangeDays: 7 });
    await settle();
    const usage = of('usage/data')[0]!.usage;
    assert.equal(usage.totals.calls, 2);
    assert.deepEqual(usage.byFeature.map((f) => f.key), ['chat']);
  });

  it('opens only http(s)/mailto links, and drops malformed messages with a logged reason', async () => {
    posted.length = 0;
    receive({ type: 'link/open', href: 'javascript:alert(1)' });
    receive({ type: 'link/open', href: 'https://example.com/x' });
    receive({ type: 'chat/send', text: 42, chips: [] });
    receive({ type: 'nope' });
    await settle();
    assert.deepEqual(opened, ['https://example.com/x']);
    assert.match(of('toast')[0]!.text, /only http, https and mailto/);
    assert.equal(warnings.filter((w) => /rejected/.test(w)).length, 2);
    assert.match(warnings.join('\n'), /"chat\/send" rejected: text/);
    assert.equal(of('chat/done').length, 0, 'the malformed send did nothing');
  });

  it('copies a trace as JSON and renames / deletes conversations', async () => {
    const id = traceStore.list()[0]!.traceId;
    receive({ type: 'traces/copy', traceId: id });
    await settle();
    assert.equal(JSON.parse(clipboard.at(-1)!).traceId, id);
    posted.length = 0;
    receive({ type: 'ready' });
    await settle();
    const active = of('init')[0]!.active!;
    assert.ok(active.messages.length >= 2);
    assert.ok(active.messages.every((m) => m.promptContent === undefined), 'expanded prompts (file contents) stay on the host');
    receive({ type: 'chat/rename', conversationId: active.id, title: 'Greeting' });
    await settle();
    assert.equal(of('chat/conversations').at(-1)!.conversations[0]!.title, 'Greeting');
    fakeVs.fake.answer = (s) => (s.items.includes('Delete') ? 'Delete' : undefined);
    receive({ type: 'chat/delete', conversationId: active.id });
    await settle();
    assert.deepEqual(of('chat/conversations').at(-1)!.conversations, []);
    assert.equal(of('chat/conversation').at(-1)!.conversation, null);
  });

  it('Show Usage focuses the view and switches the loaded page to the Usage tab', async () => {
    posted.length = 0;
    await fakeVs.fake.commands.get('switchyard.showUsage')!();
    assert.ok(fakeVs.fake.executed.some((e) => e.command === 'switchyard.panel.focus'));
    assert.deepEqual(of('showTab'), [{ type: 'showTab', tab: 'usage' }]);
  });

  it('lists MCP prompts as slash commands and expands one into the question it sends', async () => {
    const expanded: Array<Record<string, string>> = [];
    slash = {
      list: () => [{ command: '/git.review', description: 'Review a branch', arguments: [{ name: 'branch', required: true }] }],
      expand: async (_c, args) => {
        expanded.push(args);
        return [{ role: 'user', content: `Review the changes on ${args.branch}.` }];
      },
    };
    posted.length = 0;
    receive({ type: 'chat/listSlashCommands' });
    await settle();
    assert.deepEqual(of('chat/slashCommands')[0]!.commands.map((c) => c.command), ['/git.review']);
    receive({ type: 'chat/send', text: '/git.review branch=dev', chips: [] });
    await settle(60);
    assert.deepEqual(expanded, [{ branch: 'dev' }]);
    const conversation = of('chat/conversation').at(-1)?.conversation ?? panelApi.chat.list().map((c) => panelApi.chat.get(c.id)).find(Boolean);
    const userTexts = (conversation?.messages ?? []).filter((m) => m.role === 'user').map((m) => m.content);
    assert.ok(userTexts.includes('Review the changes on dev.'), `user turn was ${JSON.stringify(userTexts)}`);
    posted.length = 0;
    receive({ type: 'chat/send', text: '/git.review', chips: [] });
    await settle(20);
    assert.match(of('chat/error')[0]!.error.message, /needs "branch"/);
    slash = undefined;
  });
});
