/** A provider that needs a key and has none: the user is offered "Set API Key"; once set, the call goes through with it. */
import assert from 'node:assert/strict';
import { e2e } from '../hooks';
import { askInPanel } from '../panel';

describe('e2e: missing API key', () => {
  after(async () => {
    const { session, baseSettings } = e2e();
    await session.resetUi();
    await session.editSettings(baseSettings);
  });

  it('a chat on a provider without a key offers Set API Key; setting it makes the next chat work', async () => {
    const { session, fake, baseSettings } = e2e();
    await session.clearNotifications();
    await session.editSettings({
      ...baseSettings,
      'switchyard.providers': { ...(baseSettings['switchyard.providers'] as object), keyed: { kind: 'openai', baseUrl: fake.openaiBaseUrl } },
      'switchyard.models': { ...(baseSettings['switchyard.models'] as object), keyed: { provider: 'keyed', id: 'fake-keyed', price: { inputPerMTok: 1, outputPerMTok: 1 } } },
      'switchyard.routes': { chat: ['keyed'], completion: ['coder'] },
    });
    await fake.setDefault('fake-keyed', { type: 'text', text: 'Answer with a key.' });
    const deadline = Date.now() + 20_000;
    while (!/\bkeyed\b/.test((await session.switchyardStatus()).text) && Date.now() < deadline) await session.page.waitForTimeout(250);

    const before = (await fake.requests()).length;
    const failed = await askInPanel(session, 'Hello?');
    assert.match(failed.error, /API key/i, `the chat shows the key problem inline: ${failed.error}`);
    assert.equal((await fake.requests()).slice(before).length, 0, 'no request left without a key');
    const n = await session.waitForNotification(/No API key is set for provider "keyed"/);
    await session.screenshot('missing-key-notification');
    assert.ok(n.actions.includes('Set API Key'), `actions: ${n.actions.join(', ')}`);

    await session.clickNotificationAction(/No API key is set for provider "keyed"/, 'Set API Key');
    const input = session.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await input.getAttribute('type'), 'password', 'the key is typed into a password box');
    await input.fill('sk-e2e-test-key');
    await session.page.keyboard.press('Enter');
    await session.waitForNotification(/API key of "keyed" saved/);

    const ok = await askInPanel(session, 'Hello again?');
    await session.screenshot('missing-key-fixed');
    assert.match(ok.text, /Answer with a key\./, `answer: ${ok.text} ${ok.error}`);
    const sent = (await fake.requests()).slice(before).filter((r) => r.model === 'fake-keyed');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].auth, 'bearer', 'the stored key is sent');
    // The key is never written to settings, logs or the ledger.
    assert.doesNotMatch(session.switchyardLog(), /sk-e2e-test-key/);
  });
});
