/**
 * The VS Code host in plain Node (vscode replaced by test/support/fakeVscode): invalid settings
 * become a notification naming the field while the last good config keeps serving; key problems
 * on any attempt offer "Set API Key"; command failures become notifications; Switch Model writes
 * the pin; the status bar shows the active model, spend and budget level.
 */
import { fake, fakeContext, workspace } from '../support/fakeVscode';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { registerSetApiKey } from '../../src/host/commands/setApiKey';
import { registerSwitchModel, setPinned } from '../../src/host/commands/switchModel';
import { createHostServices, registerSafeCommand, tapRouter, type HostServices } from '../../src/host/hostServices';
import { createHostSecrets } from '../../src/host/secrets';
import { registerStatusBar, statusView } from '../../src/host/statusBar';
import { silentLogger } from '../../src/core/logger';
import type { ManagedRouter } from '../../src/core/router/router';
import type { RouterResult } from '../../src/core/router/types';

const settle = () => new Promise((r) => setImmediate(r));
async function until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const output = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, show() {}, append() {}, appendLine() {} } as unknown as vscode.LogOutputChannel;

const goodSettings = {
  providers: { oa: { kind: 'openai' }, local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } },
  models: { mini: { provider: 'oa', id: 'gpt-4.1-mini' }, qwen: { provider: 'local', id: 'qwen2.5-coder:1.5b' } },
  routes: { chat: ['mini', 'qwen'], completion: ['qwen'], review: ['mini'] },
};

describe('host: HostServices, commands and status bar (fake vscode)', () => {
  let dir: string;
  let services: HostServices;
  let context: ReturnType<typeof fakeContext>;

  async function start(settings: Record<string, unknown>): Promise<HostServices> {
    fake.reset();
    Object.assign(fake.settings, structuredClone(settings));
    context = fakeContext(join(dir, `g${Math.random()}`));
    const ctx = context as unknown as vscode.ExtensionContext;
    return createHostServices(ctx, output, silentLogger, createHostSecrets(ctx.secrets));
  }

  before(() => (dir = mkdtempSync(join(tmpdir(), 'switchyard-host-'))));
  afterEach(() => {
    for (const d of context?.subscriptions ?? []) d.dispose();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts on defaults when the settings are invalid, naming the field, with Open Settings', async () => {
    services = await start({ ...goodSettings, routes: { chat: ['mini', 'gpt9'] } });
    await settle();
    const error = fake.shown.find((s) => s.level === 'error');
    assert.ok(error, 'a notification');
    assert.match(error.message, /^Switchyard settings: routes\.chat\[1\]: unknown model "gpt9"/);
    assert.deepEqual(error.items, ['Open Settings']);
    assert.deepEqual(services.core.config.models, {}, 'defaults');
    assert.match(services.configProblem ?? '', /routes\.chat\[1\]/);
  });

  it('rebuilds the core when settings change, and keeps the last good core on an invalid edit', async () => {
    services = await start(goodSettings);
    assert.equal(services.configProblem, undefined);
    const first = services.core;
    const seen: unknown[] = [];
    services.onDidChangeCore((c) => seen.push(c));

    workspace.set('pinned', { chat: 'qwen' });
    await until(() => seen.length === 1, 'rebuild');
    assert.notEqual(services.core, first);
    assert.equal(services.core.config.pinned.chat, 'qwen');

    const good = services.core;
    fake.answer = (s) => (s.items.includes('Open Settings') ? 'Open Settings' : undefined);
    workspace.set('models', { mini: { provider: 'nope', id: 'x' } });
    await until(() => fake.shown.some((s) => s.level === 'error'), 'settings notification');
    await settle();
    assert.equal(services.core, good, 'the last good core keeps serving');
    assert.match(fake.shown.find((s) => s.level === 'error')!.message, /models\.mini\.provider: unknown provider "nope".*keeping the last valid settings/);
    assert.deepEqual(fake.executed.find((e) => e.command === 'workbench.action.openSettings')?.args, ['switchyard.models']);
  });

  it('a typo in a settings key (apikeyenv) is named with the key it meant, and the last good core keeps serving', async () => {
    services = await start(goodSettings);
    const good = services.core;
    workspace.set('providers', { ...goodSettings.providers, oa: { kind: 'openai', apikeyenv: 'MY_KEY' } });
    await until(() => fake.shown.some((s) => s.level === 'error'), 'settings notification');
    await settle();
    assert.equal(services.core, good, 'the last good core keeps serving');
    assert.match(fake.shown.find((s) => s.level === 'error')!.message, /providers\.oa\.apikeyenv: unknown key "apikeyenv" — did you mean "apiKeyEnv"\?/);
  });

  it('offers Set API Key once per provider when an attempt hit a key problem, even if a fallback answered', async () => {
    services = await start(goodSettings);
    const results: RouterResult[] = [];
    const base = {
      traceId: 't', status: 'ok' as const, text: 'x', toolCalls: [], usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: null, latencyMs: 1, model: 'qwen', provider: 'local',
      attempts: [
        { model: 'mini', modelId: 'gpt-4.1-mini', provider: 'oa', status: 'error' as const, errorClass: 'auth' as const, httpStatus: 401, latencyMs: 1 },
        { model: 'qwen', modelId: 'q', provider: 'local', status: 'ok' as const, latencyMs: 1 },
      ],
    };
    const inner = { complete: async () => base, breakerState: () => 'closed' } as unknown as ManagedRouter;
    // The core's router is tapped the same way; drive the tap directly and through the real core.
    const tapped = tapRouter(inner, (r) => results.push(r));
    await tapped.complete({ task: 'chat', request: {} });
    assert.equal(results.length, 1);

    fake.answer = (s) => (s.items.includes('Set API Key') ? 'Set API Key' : undefined);
    const routed = await services.core.router.complete({ task: 'chat', request: { messages: [{ role: 'user', content: 'hi' }] } });
    // No key for "oa" (openai): the router records a config attempt naming the key, then tries qwen (unreachable).
    assert.equal(routed.attempts[0].errorClass, 'config');
    await until(() => fake.shown.some((s) => s.level === 'warning' && /API key/.test(s.message)), 'key warning');
    await settle();
    const warnings = fake.shown.filter((s) => s.level === 'warning' && /API key/.test(s.message));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /No API key is set for provider "oa"/);
    assert.deepEqual(warnings[0].items, ['Set API Key']);
    assert.deepEqual(fake.executed.find((e) => e.command === 'switchyard.setApiKey')?.args, [{ provider: 'oa' }]);

    await services.core.router.complete({ task: 'chat', request: { messages: [{ role: 'user', content: 'again' }] } });
    await settle();
    assert.equal(fake.shown.filter((s) => s.level === 'warning' && /API key/.test(s.message)).length, 1, 'not repeated for the same provider');
  });

  it('says once which provider cannot be reached when a call fails for it, again after settings change', async () => {
    services = await start({ providers: { down: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } }, models: { m: { provider: 'down', id: 'm' } }, routes: { chat: ['m'] }, router: { maxRetries: 0 } });
    const ask = () => services.core.router.complete({ task: 'chat', request: { messages: [{ role: 'user', content: 'hi' }] } });
    const reach = () => fake.shown.filter((s) => s.level === 'warning' && /provider "down"/.test(s.message));
    assert.equal((await ask()).status, 'error');
    await until(() => reach().length === 1, 'unreachable warning');
    assert.match(reach()[0].message, /Cannot reach http:\/\/127\.0\.0\.1:9\/v1/);
    assert.doesNotMatch(reach()[0].message, /→/);
    assert.deepEqual(reach()[0].items, ['Open Settings']);
    await ask();
    await settle();
    assert.equal(reach().length, 1, 'once per provider');
    const rebuilt = new Promise((r) => services.onDidChangeCore(r));
    workspace.set('budget', { dailyUsd: 5 });
    await rebuilt;
    await ask();
    await until(() => reach().length === 2, 'warning again after a settings change');
  });

  it('turns a failing command into a notification instead of a throw', async () => {
    services = await start(goodSettings);
    registerSafeCommand(services, 'switchyard.test.fail', () => {
      throw new Error('boom');
    });
    const value = await fake.commands.get('switchyard.test.fail')!();
    assert.equal(value, undefined);
    assert.ok(fake.shown.some((s) => s.level === 'error' && /Switchyard \(test\.fail\): boom/.test(s.message)));
  });

  it('Switch Model pins the chosen model for the task and "Use route default" clears it', async () => {
    services = await start(goodSettings);
    registerSwitchModel(services);
    const run = fake.commands.get('switchyard.switchModel')!;
    const tasks: string[] = [];
    fake.quickPickAnswers.push(
      (items) => {
        tasks.push(...items.map((i) => i.label));
        return items.find((i) => i.label === 'review');
      },
      (items) => items.find((i) => /qwen$/.test(i.label)),
    );
    await run();
    assert.deepEqual(tasks, ['chat', 'completion', 'review']);
    assert.deepEqual(fake.settings.pinned, { review: 'qwen' });

    await setPinned('chat', 'mini');
    assert.deepEqual(fake.settings.pinned, { review: 'qwen', chat: 'mini' });
    fake.quickPickAnswers.push((items) => items.find((i) => i.label === 'review'), (items) => items.find((i) => /Use route default/.test(i.label)));
    await run();
    assert.deepEqual(fake.settings.pinned, { chat: 'mini' });

    // Programmatic form, and a pin only at workspace level is written there.
    fake.workspaceSettings.pinned = { completion: 'qwen' };
    await run({ task: 'completion', model: 'mini' });
    assert.deepEqual(fake.workspaceSettings.pinned, { completion: 'mini' });
    assert.deepEqual(fake.settings.pinned, { chat: 'mini' });
  });

  it('Set API Key stores the key in SecretStorage under switchyard.apiKey.<provider> and the core uses it', async () => {
    services = await start(goodSettings);
    registerSetApiKey(services);
    await fake.commands.get('switchyard.setApiKey')!({ provider: 'oa', key: ' sk-secret ' });
    assert.equal(context.raw.get('switchyard.apiKey.oa'), 'sk-secret');
    assert.equal(await services.secrets.apiKey('oa'), 'sk-secret');
    const adapter = await services.core.adapterFor('oa');
    assert.equal(adapter.providerName, 'oa');
    await fake.commands.get('switchyard.setApiKey')!({ provider: 'nope', key: 'x' });
    assert.ok(fake.shown.some((s) => s.level === 'error' && /Unknown provider "nope"/.test(s.message)));
  });

  it('shows the active chat model and today\'s spend, coloured by the budget level', async () => {
    services = await start({ ...goodSettings, pinned: { chat: 'qwen' }, budget: { dailyUsd: 1 } });
    registerStatusBar(services);
    const item = fake.statusItems.find((i) => i.id === 'switchyard.status')!;
    assert.ok(item.visible);
    assert.match(item.text, /qwen \$\(pinned\) · \$0/);
    assert.equal(item.command, 'switchyard.switchModel');
    assert.equal(item.backgroundColor, undefined);

    services.core.budget.add(0.85);
    let view = statusView(services.core, undefined);
    assert.equal(view.level, 'warning');
    services.core.budget.add(0.5);
    view = statusView(services.core, 'routes.chat[0]: unknown model');
    assert.equal(view.level, 'exceeded');
    assert.match(view.text, /\$1\.35/);
    assert.match(view.tooltip, /Daily budget exceeded/);
    assert.match(view.tooltip, /Settings problem/);
    assert.match(view.text, /^\$\(warning\) qwen/, 'a settings problem shows in the item');
  });
});
