/** Bad settings: a clear notification naming the setting, the last valid settings stay in force, the extension keeps working. */
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
    assert.equal(n.severity, 'error');
    assert.match(n.text, /routes\.chat/);
    assert.match(n.text, /keeping the last valid settings/);
    assert.ok(n.actions.includes('Open Settings'), `actions: ${n.actions.join(', ')}`);
  });

  it('an unknown model in a route is named in the notification', async () => {
    const { session, baseSettings } = e2e();
    await session.clearNotifications();
    await session.editSettings({ ...baseSettings, 'switchyard.routes': { chat: ['paid', 'no-such-model'], completion: ['coder'] } });
    const n = await session.waitForNotification(/Switchyard settings/);
    await session.screenshot('bad-settings-unknown-model');
    assert.match(n.text, /unknown model "no-such-model"/);
    // The last valid settings are still in force: the status bar still shows the chat route's head.
    assert.match((await session.switchyardStatus()).text, /\bpaid\b/);
  });

  it('once fixed, the extension works again: the settings reload and Switch Model lists the tasks', async () => {
    const { session, baseSettings } = e2e();
    await session.clearNotifications();
    await session.editSettings({ ...baseSettings, 'switchyard.routes': { chat: ['local', 'paid'], completion: ['coder'] } });
    const deadline = Date.now() + 20_000;
    while (!/\blocal\b/.test((await session.switchyardStatus()).text) && Date.now() < deadline) await session.page.waitForTimeout(250);
    assert.match((await session.switchyardStatus()).text, /\blocal\b/, 'the fixed settings were applied');
    await session.runCommandById('switchyard.switchModel');
    const items = await session.quickPickItems('Switch Model (1/2)');
    await session.screenshot('bad-settings-fixed');
    await session.page.keyboard.press('Escape');
    assert.ok(items.some((i) => /^chat\b/.test(i)), `task rows: ${items.join(' | ')}`);
    const errors = (await session.notifications()).filter((x) => x.severity === 'error');
    assert.deepEqual(errors, []);
  });
});
