/**
 * Bad settings: a clear notification naming the setting (one at a time, replaced by the next
 * problem, gone once the settings are fixed), the last valid settings stay in force, the extension
 * keeps working.
 */
import assert from 'node:assert/strict';
import { e2e } from '../hooks';

describe('e2e: bad settings', () => {
  after(async () => {
    const { session, baseSettings } = e2e();
    await session.resetUi();
    await session.editSettings(baseSettings);
  });

  it('a malformed route (a string, not a list) gives an error notification naming switchyard routes, with Open Settings', async () => {
    const { session, baseSettings } = e2e();
    await session.clearNotifications();
    await session.editSettings({ ...baseSettings, 'switchyard.routes': { chat: 'paid', completion: ['coder'] } });
    const n = await session.waitForNotification(/Switchyard settings/);
    await session.screenshot('bad-settings-malformed-route');
    assert.match(n.text, /routes\.chat/);
    assert.match(n.text, /keeping the last valid settings/);
    // "Open Settings" is a link in the message (the notification is one the extension can close).
    const toast = session.page.locator('.notifications-toasts .notification-list-item', { hasText: 'Switchyard settings' }).first();
    await toast.locator('.notification-list-item-message a', { hasText: 'Open Settings' }).click();
    await session.page.locator('.settings-editor').first().waitFor({ timeout: 15_000 });
    const search = await session.page.locator('.settings-editor .suggest-input-container .view-lines').first().textContent();
    assert.match(search ?? '', /switchyard\.routes/);
    await session.page.keyboard.press('Control+W');
  });

  it('an unknown model in a route replaces the previous settings notification, naming the model', async () => {
    const { session, baseSettings } = e2e();
    await session.editSettings({ ...baseSettings, 'switchyard.routes': { chat: ['paid', 'no-such-model'], completion: ['coder'] } });
    const n = await session.waitForNotification(/unknown model "no-such-model"/);
    await session.screenshot('bad-settings-unknown-model');
    assert.match(n.text, /Switchyard settings/);
    const settingsNotices = (await session.notifications()).filter((x) => /Switchyard settings/.test(x.text));
    assert.equal(settingsNotices.length, 1, `one settings notification, not one per problem: ${JSON.stringify(settingsNotices)}`);
    // The last valid settings are still in force: the status bar still shows the chat route's head.
    assert.match((await session.switchyardStatus()).text, /\bpaid\b/);
  });

  it('once fixed, the settings notification goes away by itself and the extension works again', async () => {
    const { session, baseSettings } = e2e();
    assert.ok((await session.notifications()).some((x) => /Switchyard settings/.test(x.text)), 'the notification is up before the fix');
    await session.editSettings({ ...baseSettings, 'switchyard.routes': { chat: ['local', 'paid'], completion: ['coder'] } });
    const deadline = Date.now() + 20_000;
    while (!/\blocal\b/.test((await session.switchyardStatus()).text) && Date.now() < deadline) await session.page.waitForTimeout(250);
    assert.match((await session.switchyardStatus()).text, /\blocal\b/, 'the fixed settings were applied');
    await session.runCommandById('switchyard.switchModel');
    const items = await session.quickPickItems('Switch Model (1/2)');
    await session.screenshot('bad-settings-fixed');
    await session.page.keyboard.press('Escape');
    assert.ok(items.some((i) => /^chat\b/.test(i)), `task rows: ${items.join(' | ')}`);
    const left = (await session.notifications()).filter((x) => x.severity === 'error' || /Switchyard settings/.test(x.text));
    assert.deepEqual(left, [], 'no settings notification is left once the settings are valid');
  });
});
