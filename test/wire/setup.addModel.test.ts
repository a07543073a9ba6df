/**
 * `Switchyard: Add Model` in the host (vscode replaced by test/support/fakeVscode): a server URL →
 * proposed roles → user/workspace settings, after one test call per role through the real SDK to
 * the fake server; the key of a hosted account goes to SecretStorage, never to settings; re-running
 * edits the same entries; a "not set up" chat error offers Add Model.
 */
import { fake, fakeContext, workspace } from '../support/fakeVscode';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { chatErrorFrom } from '../../src/core/chat/chatError';
import { silentLogger } from '../../src/core/logger';
import { noRouteError } from '../../src/core/router/candidates';
import { parseConfig } from '../../src/core/config/schema';
import { registerAddModel } from '../../src/host/commands/addModel';
import { registerSetApiKey } from '../../src/host/commands/setApiKey';
import { createHostServices } from '../../src/host/hostServices';
import { createHostSecrets } from '../../src/host/secrets';
import { listHostedAccount } from '../../src/core/setup/hosted';
import { proposeRoles } from '../../src/core/setup/roles';
import { startFakeServer } from '../support/fakeServer';
import { useWireFixture } from '../support/wireFixture';

const output = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, show() {}, append() {}, appendLine() {} } as unknown as vscode.LogOutputChannel;
type Item = { label: string; [k: string]: unknown };
const pick = (match: (i: Item) => boolean) => (items: readonly { label: string }[]) => {
  const hit = (items as Item[]).find(match);
  if (!hit) throw new Error(`no item matched among: ${items.map((i) => i.label).join(' | ')}`);
  return hit;
};

describe('wire: Switchyard: Add Model (host, fake vscode)', function () {
  this.timeout(30_000);
  const fx = useWireFixture('addmodel', { models: ['nomic-embed-text', 'llama3.2', 'qwen2.5-coder:7b'], apiKey: undefined });
  let context: ReturnType<typeof fakeContext>;

  afterEach(() => {
    for (const d of context?.subscriptions ?? []) d.dispose();
    (workspace as { workspaceFolders?: unknown }).workspaceFolders = undefined;
  });

  async function start(settings: Record<string, unknown> = {}) {
    fake.reset();
    Object.assign(fake.settings, structuredClone(settings));
    context = fakeContext(join(fx.suiteDir, `g${Math.random()}`));
    const ctx = context as unknown as vscode.ExtensionContext;
    const services = await createHostServices(ctx, output, silentLogger, createHostSecrets(ctx.secrets));
    // The host disposes its core without waiting (as VS Code does); wait for it, so no late trace write lands in a removed folder.
    fx.track({ dispose: () => services.core.dispose() });
    registerAddModel(services);
    registerSetApiKey(services);
    return services;
  }

  const answerUrlFlow = (target: 'User settings' | 'Workspace settings' | null) => {
    fake.quickPickAnswers.push(pick((i) => i.action === 'url'));
    fake.inputBoxAnswers.push(fx.fake.url);
    fake.quickPickAnswers.push(pick((i) => i.accept === true));
    if (target) fake.quickPickAnswers.push(pick((i) => i.label === target));
  };

  it('a server URL → chat, completion and embedding roles, test-called, written to the chosen settings', async () => {
    await start({ budget: { dailyUsd: 2 } });
    (workspace as { workspaceFolders?: unknown }).workspaceFolders = [{ uri: { fsPath: fx.suiteDir }, name: 'w' }];
    answerUrlFlow('Workspace settings');
    await fake.commands.get('switchyard.addModel')!();
    assert.deepEqual(fake.shown.filter((s) => s.level !== 'info'), [], 'no warning or error');
    const ws = fake.workspaceSettings as Record<string, any>;
    assert.deepEqual(Object.keys(ws).sort(), ['models', 'providers', 'routes']);
    assert.equal(ws.models[ws.routes.chat[0]].id, 'llama3.2');
    assert.equal(ws.models[ws.routes.completion[0]].fimTemplate, 'qwen');
    assert.equal(ws.models[ws.routes.embedding[0]].id, 'nomic-embed-text');
    assert.deepEqual(fake.settings, { budget: { dailyUsd: 2 } }, 'user settings untouched');
    // One test call per role went through the real SDK, recorded like any call.
    assert.deepEqual(['chat', 'completions', 'embeddings'].map((e) => fx.fake.count({ endpoint: e as never })), [1, 1, 1]);
    const done = fake.shown.find((s) => /Switchyard is set up/.test(s.message));
    assert.match(done?.message ?? '', /chat → llama3\.2 \(\$0 \(local\)\)/);
    assert.match(done?.message ?? '', /Saved in workspace settings/);

    // Again: the same entries are edited, nothing is added twice.
    fx.fake.reset();
    const before = structuredClone(ws);
    answerUrlFlow('Workspace settings');
    await fake.commands.get('switchyard.addModel')!();
    assert.deepEqual(fake.workspaceSettings, before);
  });

  it('offers the Continue import when ~/.continue/config.yaml exists; a secret-held key is asked for through Set API Key', async () => {
    const home = join(fx.suiteDir, 'home');
    mkdirSync(join(home, '.continue'), { recursive: true });
    writeFileSync(join(home, '.continue', 'config.yaml'), [
      'models:',
      '  - name: Chat',
      '    provider: ollama',
      '    model: llama3.2',
      `    apiBase: ${fx.fake.url}`,
      '  - name: Tab',
      '    provider: openai',
      '    model: qwen2.5-coder:7b',
      `    apiBase: ${fx.fake.openaiBaseUrl}`,
      '    apiKey: ${{ secrets.TAB_KEY }}',
      '    roles: [autocomplete]',
    ].join('\n'));
    fx.fake.reset();
    const previousHome = process.env.HOME;
    process.env.HOME = home;
    try {
      await start();
      fake.quickPickAnswers.push(pick((i) => i.action === 'continue'));
      fake.quickPickAnswers.push(pick((i) => i.accept === true));
      fake.inputBoxAnswers.push('sk-tab-key');
      await fake.commands.get('switchyard.addModel')!();
    } finally {
      process.env.HOME = previousHome;
    }
    assert.deepEqual(fake.shown.filter((s) => s.level !== 'info').map((s) => s.message), []);
    const settings = fake.settings as Record<string, any>;
    assert.deepEqual(settings.routes, { chat: ['Chat'], completion: ['Tab'] });
    assert.equal(settings.providers.openai.apiKeyEnv, 'TAB_KEY');
    assert.deepEqual(Object.keys(settings.providers), ['ollama', 'openai'], 'another key variable: another provider, even on the same server');
    assert.equal(fake.inputBoxes[0]?.title, 'Switchyard: Set API Key for "openai"');
    assert.equal(fake.inputBoxes[0]?.password, true);
    assert.equal(context.raw.get('switchyard.apiKey.openai'), 'sk-tab-key', 'the key went to SecretStorage');
    assert.ok(!JSON.stringify(settings).includes('sk-tab-key'), 'and never to settings');
    // Without the key the completion check fails ("No API key", a provider naming apiKeyEnv needs one) and a warning shows.
    assert.equal(fx.fake.requests.filter((r) => r.endpoint === 'completions' && r.model === 'qwen2.5-coder:7b').length, 1, 'the completion check ran with the key');
  });

  it('an OpenAI account: the key box hides the key; when the account cannot be listed nothing is written or stored', async () => {
    await start();
    fake.quickPickAnswers.push(pick((i) => i.action === 'openai'));
    fake.inputBoxAnswers.push('sk-account-key-123');
    await fake.commands.get('switchyard.addModel')!();
    assert.equal(fake.inputBoxes[0]?.password, true, 'the key box hides the key');
    // This machine cannot reach api.openai.com: the listing fails with a message, and nothing is kept.
    const error = fake.shown.find((s) => s.level === 'error');
    assert.match(error?.message ?? '', /OpenAI|api\.openai\.com/);
    assert.ok(!(error?.message ?? '').includes('sk-account-key-123'), 'the key is never in a message');
    assert.deepEqual(fake.settings, {});
    assert.equal(context.raw.size, 0, 'no key stored');
  });

  it('listing an account goes through the SDKs with the key (OpenAI and Anthropic wire formats)', async () => {
    const keyed = await startFakeServer({ apiKey: 'sk-account-key-123', models: ['gpt-4.1', 'gpt-4.1-mini', 'text-embedding-3-small', 'whisper-1'] });
    try {
      const openai = await listHostedAccount('openai', 'sk-account-key-123', silentLogger, { baseUrl: keyed.openaiBaseUrl });
      assert.deepEqual(openai.models.map((m) => m.id).sort(), ['gpt-4.1', 'gpt-4.1-mini', 'text-embedding-3-small', 'whisper-1']);
      assert.deepEqual(proposeRoles([openai]).choices.map((c) => [c.role, c.model.id]), [['chat', 'gpt-4.1'], ['completion', 'gpt-4.1-mini'], ['embedding', 'text-embedding-3-small']]);
      const anthropic = await listHostedAccount('anthropic', 'sk-account-key-123', silentLogger, { baseUrl: keyed.anthropicBaseUrl });
      assert.equal(anthropic.models.length, 4);
      assert.ok(keyed.requests.some((r) => r.provider === 'anthropic' && r.endpoint === 'models'));
      await assert.rejects(listHostedAccount('openai', 'sk-wrong', silentLogger, { baseUrl: keyed.openaiBaseUrl }), (e: Error & { kind?: string }) => e.kind === 'auth');
    } finally {
      await keyed.close();
    }
  });

  it('Set API Key with nothing configured offers Add Model; a "not set up" chat error does too', async () => {
    await start();
    fake.answer = (s) => (s.items.includes('Add Model') ? 'Add Model' : undefined);
    fake.quickPickAnswers.push(() => undefined); // the Add Model source pick, dismissed
    await fake.commands.get('switchyard.setApiKey')!();
    assert.match(fake.shown[0]?.message ?? '', /no model provider yet/);
    assert.ok(fake.executed.some((e) => e.command === 'switchyard.addModel'));
    const error = chatErrorFrom(noRouteError(parseConfig({}), 'chat'));
    assert.deepEqual(error.actions.map((a) => a.action), ['addModel', 'openSettings']);
  });
});
