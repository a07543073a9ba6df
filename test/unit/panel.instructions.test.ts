/**
 * The instruction-files chip remembers the user's choice per workspace: removing it turns it off in
 * workspaceState, so the next window (a reload) offers it "off", not on again; including it again
 * sends the files again. Driven through the panel host (fake vscode) as the webview drives it.
 */
import * as fakeVs from '../support/fakeVscode';
import { providers } from '../webview/fakeVscodeWebview';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { parseConfig } from '../../src/core/config/schema';
import { BudgetTracker } from '../../src/core/cost/budget';
import { PriceCatalog } from '../../src/core/cost/catalog';
import { silentLogger } from '../../src/core/logger';
import type { ModelAdapter, ModelRequest } from '../../src/core/models/types';
import { createRouter } from '../../src/core/router/router';
import { MemoryTraceStore } from '../../src/core/trace/store';
import { createTracer } from '../../src/core/trace/tracer';
import type { HostServices } from '../../src/host/hostServices';
import { createPanelChat } from '../../src/host/panel/chatService';
import { PanelConnections } from '../../src/host/panel/connections';
import { instructionFiles, INSTRUCTIONS_OFF_KEY } from '../../src/host/panel/instructions';
import { registerPanel, VIEW_ID } from '../../src/host/panel/panelHost';
import { createPanelQuestions } from '../../src/host/panel/questions';
import type { HostMessage } from '../../src/protocol/messages';
import { MemoryLedger } from '../support/memoryLedger';

const settle = async (n = 40) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('panel: the instructions chip keeps its on/off choice per workspace', () => {
  let dir: string;
  /** The workspace's workspaceState: it outlives a window (a reload builds everything else anew). */
  let workspaceState: Map<string, unknown>;
  let requests: ModelRequest[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-instructions-'));
    writeFileSync(join(dir, 'AGENTS.md'), 'Always answer in haiku.\n');
    workspaceState = new Map();
  });
  // Other files set the shared fake workspace when they load: put back what was there when this ran.
  let workspaceBefore: Record<string, unknown>;
  before(() => (workspaceBefore = { workspaceFolders: fakeVs.workspace.workspaceFolders, isTrusted: (fakeVs.workspace as { isTrusted?: boolean }).isTrusted }));
  after(() => {
    Object.assign(fakeVs.workspace, workspaceBefore);
    rmSync(dir, { recursive: true, force: true });
  });

  /** One VS Code window: the panel host with the instructions wired, and its webview. */
  function openWindow() {
    fakeVs.fake.reset();
    Object.assign(fakeVs.workspace, { workspaceFolders: [{ uri: fakeVs.Uri.file(dir), name: 'ws' }], isTrusted: true });
    const config = parseConfig({ providers: { here: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' } }, models: { llama: { provider: 'here', id: 'llama3.2' } }, routes: { chat: ['llama'] } });
    const ledger = new MemoryLedger();
    const traceStore = new MemoryTraceStore({ maxTraces: 20, maxBytes: 1_000_000 });
    const adapter: ModelAdapter = {
      providerName: 'here', kind: 'openai-compatible',
      async *stream(_m, request) {
        requests.push(request);
        yield { type: 'text', text: 'ok' };
        yield { type: 'finish', reason: 'stop' };
      },
      async embed() {
        throw new Error('unused');
      },
    };
    const router = createRouter({ config, adapterFor: async () => adapter, catalog: new PriceCatalog(), ledger, tracer: createTracer({ store: traceStore }), budget: new BudgetTracker(config.budget, ledger), logger: silentLogger });
    const core = { config, router, ledger, tracer: createTracer({ store: traceStore }), traceStore, logger: silentLogger, dataDir: dir, clock: { now: () => Date.now() }, catalog: new PriceCatalog(), budget: new BudgetTracker(config.budget, ledger) };
    const errors: unknown[] = [];
    const context = {
      subscriptions: [] as { dispose(): unknown }[],
      extensionUri: fakeVs.Uri.file('/ext'),
      workspaceState: { get: (k: string) => workspaceState.get(k), update: async (k: string, v: unknown) => void (v === undefined ? workspaceState.delete(k) : workspaceState.set(k, v)) },
    };
    const noop = () => ({ dispose() {} });
    const services = { context, logger: silentLogger, core, onDidChangeCore: noop, onDidFinishCall: noop, showError: (e: unknown) => void errors.push(e) } as unknown as HostServices;
    // Wired as the composition root (src/extension.ts) does.
    const connections = new PanelConnections();
    const questions = createPanelQuestions(connections);
    const chat = createPanelChat(services, { approve: async () => ({ allowed: false, reason: 'no tools in this test' }), askCap: questions.caps.ask });
    const instructions = instructionFiles(context.workspaceState as unknown as vscode.Memento);
    registerPanel(services, { chat, connections, questions, sources: { standingChips: instructions.chips, includeInstructions: instructions.include } });
    const posted: HostMessage[] = [];
    let receive: (m: unknown) => void = () => undefined;
    const webview = {
      options: {}, html: '', cspSource: 'vscode-webview://test',
      asWebviewUri: (u: { fsPath: string }) => ({ toString: () => `vscode-webview://test${u.fsPath}` }),
      postMessage: async (m: HostMessage) => (posted.push(m), true),
      onDidReceiveMessage: (l: (m: unknown) => void) => ((receive = l), { dispose() {} }),
    };
    providers.get(VIEW_ID)!.resolveWebviewView({ webview, visible: true, onDidDispose: noop, onDidChangeVisibility: noop } as unknown as vscode.WebviewView);
    const offered = async () => {
      posted.length = 0;
      receive({ type: 'ready' });
      // The chip comes after the host looked for the files (file system calls): wait for it, not a fixed time.
      for (const until = Date.now() + 5000; !posted.some((m) => m.type === 'chat/addChip') && Date.now() < until;) await settle(5);
      return posted.filter((m): m is Extract<HostMessage, { type: 'chat/addChip' }> => m.type === 'chat/addChip').map((m) => m.chip);
    };
    const systemPromptOfTurn = async (chips: unknown[]) => {
      requests = [];
      posted.length = 0;
      receive({ type: 'chat/send', text: 'hi', chips });
      for (const until = Date.now() + 5000; !posted.some((m) => m.type === 'chat/done') && Date.now() < until;) await settle(5);
      assert.equal(requests.length, 1, 'one model call');
      return requests[0]!.messages?.find((m) => m.role === 'system')?.content ?? '';
    };
    return { receive: (m: unknown) => receive(m), offered, systemPromptOfTurn, errors };
  }

  it('offers the chip on, and sends the files while it is on', async () => {
    const w = openWindow();
    assert.deepEqual(await w.offered(), [{ kind: 'instructions', id: 'instructions', paths: ['AGENTS.md'] }]);
    assert.match(String(await w.systemPromptOfTurn([{ kind: 'instructions', id: 'instructions', paths: ['AGENTS.md'] }])), /Always answer in haiku/);
  });

  it('removed, it stays off after a reload (offered "off", not on); an off chip that reaches the host is not sent', async () => {
    const w = openWindow();
    await w.offered();
    w.receive({ type: 'chat/instructions', include: false });
    await settle();
    assert.equal(workspaceState.get(INSTRUCTIONS_OFF_KEY), true);

    const reloaded = openWindow();
    assert.deepEqual(await reloaded.offered(), [{ kind: 'instructions', id: 'instructions', paths: ['AGENTS.md'], off: true }]);
    assert.doesNotMatch(String(await reloaded.systemPromptOfTurn([{ kind: 'instructions', id: 'instructions', paths: ['AGENTS.md'], off: true }])), /haiku/);
    assert.deepEqual(reloaded.errors, []);
  });

  it('included again, it is on after the next reload and its files are sent', async () => {
    const w = openWindow();
    w.receive({ type: 'chat/instructions', include: true });
    await settle();
    assert.equal(workspaceState.has(INSTRUCTIONS_OFF_KEY), false);
    const reloaded = openWindow();
    assert.deepEqual(await reloaded.offered(), [{ kind: 'instructions', id: 'instructions', paths: ['AGENTS.md'] }]);
    assert.match(String(await reloaded.systemPromptOfTurn([{ kind: 'instructions', id: 'instructions', paths: ['AGENTS.md'] }])), /Always answer in haiku/);
  });

  it('a malformed toggle is refused by the protocol and changes nothing', async () => {
    const w = openWindow();
    w.receive({ type: 'chat/instructions', include: 'no' });
    await settle();
    assert.equal(workspaceState.has(INSTRUCTIONS_OFF_KEY), false);
  });
});
