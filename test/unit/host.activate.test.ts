/**
 * The composition root in plain Node (vscode replaced by test/support/fakeVscode plus no-op
 * registrations): activate() brings every area up without an error notification, registers a
 * handler for every command package.json contributes, and survives invalid settings.
 */
import { fake } from '../support/fakeVscode';
import { activateFake } from '../support/fakeHost';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const contributed: string[] = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).contributes.commands.map((c: { command: string }) => c.command);

describe('host: activate() (the composition root)', () => {
  let dir: string;
  let context: Awaited<ReturnType<typeof activateFake>>['context'] | undefined;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'switchyard-activate-'))));
  afterEach(() => {
    for (const d of context?.subscriptions ?? []) d.dispose();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function activateWith(settings: Record<string, unknown>) {
    const started = await activateFake(join(dir, `g${Math.random()}`), settings);
    context = started.context;
    return started.api;
  }

  it('brings every area up and registers a handler for every contributed command', async () => {
    const api = await activateWith({
      providers: { local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } },
      models: { m: { provider: 'local', id: 'qwen2.5-coder:1.5b' } },
      routes: { chat: ['m'], completion: ['m'] },
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(fake.shown.filter((s) => s.level === 'error').map((s) => s.message), [], 'no area failed to start');
    const missing = contributed.filter((id) => !fake.commands.has(id));
    assert.deepEqual(missing, [], 'contributed commands without a handler after activate()');
    assert.ok(api.panel && api.mcp && api.search, 'the areas hand back their seams');
    assert.equal(api.services.core.config.routes.chat[0], 'm');
    const status = fake.statusItems.find((i) => i.id === 'switchyard.status');
    assert.ok(status?.visible);
    assert.match(status.text, / m · \$0/);
  });

  it('stays up on invalid settings and says which field is wrong', async () => {
    const api = await activateWith({ routes: { chat: ['gpt9'] } });
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(api.services, 'activated');
    const errors = fake.shown.filter((s) => s.level === 'error');
    assert.equal(errors.length, 1, errors.map((e) => e.message).join('\n'));
    assert.match(errors[0].message, /routes\.chat\[0\]: unknown model "gpt9"/);
    assert.ok(fake.commands.has('switchyard.switchModel'));
  });
});
