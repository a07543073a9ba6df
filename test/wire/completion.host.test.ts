/**
 * The VS Code side of inline completions in plain Node (vscode replaced by test/support/fakeVscode,
 * extended here with the few inline-completion types it lacks) against the fake wire server:
 * the item has an explicit cursor range, the accept command counts, cancellation reaches the
 * HTTP request, and the toggle / snooze commands turn completions off.
 */
import { fake, fakeContext, EventEmitter, workspace } from '../support/fakeVscode';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { silentLogger } from '../../src/core/logger';
import type { HostServices } from '../../src/host/hostServices';
import { useWireFixture } from '../support/wireFixture';

// The inline-completion surface of the vscode API, added to the shared stand-in for this file.
class Position {
  constructor(readonly line: number, readonly character: number) {}
}
class Range {
  constructor(readonly start: Position, readonly end: Position) {}
}
class InlineCompletionItem {
  constructor(readonly insertText: string, readonly range?: Range, readonly command?: { command: string; title: string; arguments?: unknown[] }) {}
}
const providers: vscode.InlineCompletionItemProvider[] = [];
const docChanges = new EventEmitter<unknown>();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the stand-in module object
const vs = require('vscode') as Record<string, Record<string, unknown> & object>;
Object.assign(vs, {
  Position,
  Range,
  InlineCompletionItem,
  InlineCompletionTriggerKind: { Invoke: 0, Automatic: 1 },
  languages: {
    registerInlineCompletionItemProvider: (_selector: unknown, provider: vscode.InlineCompletionItemProvider) => {
      providers.push(provider);
      return { dispose: () => providers.splice(providers.indexOf(provider), 1) };
    },
  },
});
Object.assign(vs.workspace, { onDidChangeTextDocument: docChanges.event, textDocuments: [], asRelativePath: (p: unknown) => String(p) });
Object.assign(vs.window, { visibleTextEditors: [], activeTextEditor: undefined, onDidChangeActiveTextEditor: new EventEmitter<unknown>().event });

// Host modules load after the additions: `import * as vscode` copies the module's top-level names.
/* eslint-disable @typescript-eslint/no-require-imports */
const { createHostServices } = require('../../src/host/hostServices') as typeof import('../../src/host/hostServices');
const { createHostSecrets } = require('../../src/host/secrets') as typeof import('../../src/host/secrets');
const { registerCompletion } = require('../../src/host/completion/register') as typeof import('../../src/host/completion/register');
/* eslint-enable @typescript-eslint/no-require-imports */

const output = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, show() {}, append() {}, appendLine() {} } as unknown as vscode.LogOutputChannel;
const MODEL = 'qwen2.5-coder:1.5b-base';

function doc(text: string): vscode.TextDocument {
  const lines = text.split('\n');
  const offsetAt = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return {
    uri: { scheme: 'file', fsPath: '/w/calc.py', toString: () => 'file:///w/calc.py' },
    languageId: 'python',
    version: 1,
    getText: (range?: Range) => (range ? text.slice(offsetAt(range.start), offsetAt(range.end)) : text),
    lineCount: lines.length,
    lineAt: (line: number) => ({ text: lines[line], range: new Range(new Position(line, 0), new Position(line, lines[line].length)) }),
    offsetAt,
    positionAt: (offset: number) => {
      let line = 0;
      while (line < lines.length - 1 && offset > lines[line].length) offset -= lines[line++].length + 1;
      return new Position(line, offset);
    },
  } as unknown as vscode.TextDocument;
}

function token() {
  const emitter = new EventEmitter<void>();
  const t = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  return { token: t as unknown as vscode.CancellationToken, cancel: () => ((t.isCancellationRequested = true), emitter.fire()) };
}

async function until(pred: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('host: inline completion provider (fake vscode, fake server)', function () {
  this.timeout(15_000);
  const fx = useWireFixture('completion-host');
  let services: HostServices;
  let context: ReturnType<typeof fakeContext>;

  beforeEach(async () => {
    fake.reset();
    providers.length = 0;
    Object.assign(fake.settings, {
      providers: { local: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl } },
      models: { coder: { provider: 'local', id: MODEL } },
      routes: { completion: ['coder'] },
      completion: { debounceMs: 0 },
    });
    context = fakeContext(join(fx.suiteDir, `g${Math.random()}`));
    const ctx = context as unknown as vscode.ExtensionContext;
    services = await createHostServices(ctx, output, silentLogger, createHostSecrets(ctx.secrets));
    // The host disposes its core without waiting (as VS Code does); wait for it, so no late trace write lands in a removed folder.
    fx.track({ dispose: () => services.core.dispose() });
    registerCompletion(services);
  });
  afterEach(() => {
    for (const d of context.subscriptions) d.dispose();
  });

  const provide = (d: vscode.TextDocument, pos: Position, t = token().token, kind = 0) =>
    providers[0].provideInlineCompletionItems(d, pos as unknown as vscode.Position, { triggerKind: kind } as unknown as vscode.InlineCompletionContext, t) as Promise<InlineCompletionItem[] | undefined>;

  it('returns a pure insertion at the cursor with the accept command, and counts the accept', async () => {
    fx.fake.script(MODEL, [{ type: 'text', chunks: ['a ', '+ b'] }]);
    const pos = new Position(1, 11);
    const items = await provide(doc('def add(a, b):\n    return \n'), pos);
    assert.equal(items?.length, 1);
    const item = items![0];
    assert.equal(item.insertText, 'a + b');
    assert.deepEqual([item.range?.start, item.range?.end], [pos, pos], 'explicit empty range at the cursor');
    assert.equal(item.command?.command, 'switchyard.completion.accepted');
    await fake.commands.get('switchyard.completion.accepted')!(...(item.command?.arguments ?? []));
    const status = fake.statusItems.find((s) => s.id === 'switchyard.completion')!;
    await new Promise((r) => setTimeout(r, 600)); // the item refreshes at most twice a second
    assert.match(String(status.tooltip), /coder: 1\/1 accepted \(100%\)/);
  });

  it('a completion that ends the line replaces the closers after the cursor: the item range covers them', async () => {
    fx.fake.script(MODEL, [{ type: 'text', text: 'total, 2));' }]);
    const pos = new Position(1, 16);
    const items = await provide(doc('def show(total):\n    print(round())\n'), pos);
    assert.equal(items?.[0].insertText, 'total, 2));');
    assert.deepEqual([items?.[0].range?.start, items?.[0].range?.end], [pos, new Position(1, 18)], 'the range ends after the `))` it rewrites');
  });

  it('a cancelled token aborts the HTTP request', async () => {
    fx.fake.script(MODEL, [{ type: 'hang' }]);
    const t = token();
    const pending = provide(doc('x = \n'), new Position(0, 4), t.token);
    await fx.fake.waitFor(() => fx.fake.requests.length === 1);
    t.cancel();
    assert.equal(await pending, undefined);
    await fx.fake.waitFor(() => fx.fake.requests[0].outcome === 'aborted');
  });

  it('toggle turns completions off through the setting; snooze pauses them until toggled back', async () => {
    fx.fake.setDefault(MODEL, { type: 'text', chunks: ['1'] });
    await fake.commands.get('switchyard.completion.toggle')!();
    assert.equal((fake.settings['completion'] as { enabled: boolean }).enabled, false);
    await until(() => !services.core.config.completion.enabled, 'the core rebuilt with completions off');
    assert.equal(await provide(doc('x = \n'), new Position(0, 4)), undefined);
    assert.equal(fx.fake.requests.length, 0);
    await fake.commands.get('switchyard.completion.toggle')!();
    await until(() => services.core.config.completion.enabled, 'the core rebuilt with completions on');
    assert.equal((await provide(doc('x = \n'), new Position(0, 4)))?.[0].insertText, '1');

    await fake.commands.get('switchyard.completion.snooze')!();
    assert.equal(await provide(doc('y = \n'), new Position(0, 4)), undefined);
    assert.match(fake.statusItems.find((s) => s.id === 'switchyard.completion')!.text, /clock/);
    await fake.commands.get('switchyard.completion.toggle')!(); // clicking the item resumes
    assert.equal((await provide(doc('y = \n'), new Position(0, 4)))?.[0].insertText, '1');
  });

  it('snoozing again and again keeps one end-of-snooze timer: the extension subscriptions do not grow', async () => {
    const snooze = fake.commands.get('switchyard.completion.snooze')!;
    await snooze();
    const held = context.subscriptions.length;
    for (let i = 0; i < 5; i++) await snooze();
    assert.equal(context.subscriptions.length, held);
    assert.equal(await provide(doc('x = \n'), new Position(0, 4)), undefined, 'still snoozed');
  });

  it('a settings change while running keeps the completion cache and a running snooze', async () => {
    fx.fake.setDefault(MODEL, { type: 'text', chunks: ['a + b'] });
    const d = doc('def add(a, b):\n    return \n');
    assert.equal((await provide(d, new Position(1, 11)))?.[0].insertText, 'a + b');
    assert.equal(fx.fake.requests.length, 1);

    const applied = new Promise((r) => services.onDidChangeCore(r));
    workspace.set('completion', { debounceMs: 0, languages: { markdown: false } });
    await applied;
    assert.equal(services.core.config.completion.languages.markdown, false);
    assert.equal((await provide(doc('def add(a, b):\n    return \n'), new Position(1, 11)))?.[0].insertText, 'a + b');
    assert.equal(fx.fake.requests.length, 1, 'served from the cache kept across the settings change');

    await fake.commands.get('switchyard.completion.snooze')!();
    const again = new Promise((r) => services.onDidChangeCore(r));
    workspace.set('completion', { debounceMs: 0, languages: { markdown: false, rust: false } });
    await again;
    assert.equal(await provide(doc('z = \n'), new Position(0, 4)), undefined, 'still snoozed');
  });
});
