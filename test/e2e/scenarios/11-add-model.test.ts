/**
 * A new user with only a local model server: the chat panel says nothing is set up and offers Add
 * Model; the flow finds the server's models, proposes chat / completion / embedding (the embedder
 * never as chat), test-calls each, writes the user settings, and the next chat answers at $0 (local).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { e2e } from '../hooks';
import { askInPanel, showTab } from '../panel';

const served = { chat: 'llama3.2', coder: 'qwen2.5-coder:1.5b', embedder: 'nomic-embed-text' };

describe('e2e: Add Model (a new user with a local server)', () => {
  after(async () => {
    const { session, baseSettings } = e2e();
    await session.resetUi();
    await session.editSettings(baseSettings);
  });

  it('from the empty chat to an answer at $0 (local), without writing JSON', async function () {
    this.timeout(240_000);
    const { session, fake } = e2e();
    // The server lists a chat model, a coder and an embedder (listed = scripted on the fake).
    await fake.setDefault(served.chat, { type: 'text', text: 'Hello from the local llama.' });
    await fake.setDefault(served.coder, { type: 'text', text: 'a + b' });
    await fake.setDefault(served.embedder, { type: 'text' });
    await session.editSettings({});
    // The user's own comment in settings.json survives Add Model's writes.
    const settingsFile = join(session.userDataDir, 'User', 'settings.json');
    await session.editSettingsText(`// my own note: keep me\n${readFileSync(settingsFile, 'utf8').trim()}`);
    await session.clearNotifications();

    const frame = await showTab(session, 'chat'); // earlier scenarios may have left another tab open
    await frame.locator('#panel-chat button[title="New conversation"]').click(); // earlier scenarios left a conversation open
    const empty = frame.locator('#panel-chat .empty.not-set-up');
    await empty.waitFor({ timeout: 30_000 });
    assert.match(await empty.innerText(), /no model yet/i);
    await session.screenshot('add-model-1-not-set-up');
    await empty.locator('button', { hasText: 'Add Model' }).click();

    // Local discovery first (nothing on the usual ports here), then the server's URL.
    await session.quickPickItems('where are your models');
    await session.pickQuickItem('Enter a server URL…', 'server URL');
    await session.answerQuickInput(fake.url);
    const roles = await session.quickPickItems('proposed roles');
    await session.screenshot('add-model-2-proposed-roles');
    assert.ok(roles.some((r) => r.includes(`chat: ${served.chat}`)), `roles: ${roles.join(' | ')}`);
    assert.ok(roles.some((r) => r.includes(`completion: ${served.coder}`)), `roles: ${roles.join(' | ')}`);
    assert.ok(roles.some((r) => r.includes(`embedding: ${served.embedder}`)), `roles: ${roles.join(' | ')}`);
    await session.pickQuickItem('Use these models', 'Use these');
    await session.pickQuickItem('User settings');

    const done = await session.waitForNotification(/Switchyard is set up/, 60_000);
    assert.match(done.text, /chat → llama3\.2 \(\$0 \(local\)\)/);
    await session.screenshot('add-model-3-set-up');
    const text = readFileSync(settingsFile, 'utf8');
    assert.match(text, /\/\/ my own note: keep me/, 'the comment is still there');
    const settings = parseJsonc(text) as Record<string, Record<string, { id?: string; fimTemplate?: string }>>;
    const models = settings['switchyard.models']!;
    const routes = settings['switchyard.routes'] as unknown as Record<string, string[]>;
    assert.equal(models[routes.chat![0]!]!.id, served.chat);
    assert.equal(models[routes.completion![0]!]!.fimTemplate, 'qwen');
    assert.equal(models[routes.embedding![0]!]!.id, served.embedder);
    // (Typing the settings edit may have asked the old completion model; only the served models count.)
    const ours = new Set<string | undefined>(Object.values(served));
    const checks = (await fake.requests()).filter((r) => ours.has(r.model) && ['chat', 'completions', 'embeddings'].includes(r.endpoint)).map((r) => `${r.endpoint}:${r.model}`);
    assert.deepEqual(checks, [`chat:${served.chat}`, `completions:${served.coder}`, `embeddings:${served.embedder}`], 'one test call per role');

    // The settings change reaches the panel: the next question is answered by the local model.
    await session.clickNotificationAction(/Switchyard is set up/, 'Open Chat');
    const answer = await askInPanel(session, 'Hello?');
    await session.screenshot('add-model-4-answer');
    assert.match(answer.text, /Hello from the local llama\./, `answer: ${answer.text} ${answer.error}`);
    assert.match(answer.footer, /\$0 \(local\)/, `footer: ${answer.footer}`);
  });
});
