/** Switch Model from the palette: the pin is written to settings, the status bar shows it, the next chat uses it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2e, models } from '../hooks';
import { askInPanel, openTraceOf } from '../panel';

describe('e2e: Switch Model', () => {
  after(async () => {
    const { session, baseSettings } = e2e();
    await session.resetUi();
    await session.editSettings(baseSettings);
  });

  it('pins the chosen chat model from the palette and the status bar shows it', async () => {
    const { session } = e2e();
    const before = await session.switchyardStatus();
    assert.match(before.text, /\bpaid\b/, `status bar before the switch: ${before.text}`);
    await session.runCommandById('switchyard.switchModel');
    await session.pickQuickItem('chat');
    await session.pickQuickItem('backup');
    const deadline = Date.now() + 20_000;
    let status = before;
    while (!/\bbackup\b/.test(status.text) && Date.now() < deadline) {
      await session.page.waitForTimeout(250);
      status = await session.switchyardStatus();
    }
    const shot = await session.screenshot('switch-model-status-bar');
    assert.match(status.text, /\bbackup\b/, `status bar after the switch: "${status.text}" (screenshot ${shot})`);
    const settings = JSON.parse(readFileSync(join(session.userDataDir, 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(settings['switchyard.pinned'], { chat: 'backup' });
  });

  it('the next chat goes to the switched model and its trace names it', async () => {
    const { session, fake } = e2e();
    const before = (await fake.requests()).length;
    const answer = await askInPanel(session, 'Which model answers this?');
    assert.match(answer.text, /Hello from fake-backup|backup/i, `answer: ${answer.text}`);
    const chatRequests = (await fake.requests()).slice(before).filter((r) => r.endpoint === 'chat');
    assert.deepEqual([...new Set(chatRequests.map((r) => r.model))], [models.backup]);
    const detail = await openTraceOf(session, answer);
    await session.screenshot('switch-model-trace');
    assert.match(detail, new RegExp(models.backup));
  });
});
