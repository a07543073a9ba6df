/** Spend cap: the chat input shows the next turn's estimate; a conversation past its cap pauses and asks before the next call. */
import assert from 'node:assert/strict';
import { e2e, models } from '../hooks';
import { askInPanel, panelFrame, showTab } from '../panel';

describe('e2e: spend cap', () => {
  after(async () => {
    const { session, baseSettings } = e2e();
    await session.resetUi();
    await session.editSettings(baseSettings);
  });

  it('a conversation that crosses its spend cap pauses and asks; Stop sends nothing more', async () => {
    const { session, fake, baseSettings } = e2e();
    await session.editSettings({ ...baseSettings, 'switchyard.cost': { promptCache: true, maxConversationUsd: 0.05 } });
    await session.page.waitForTimeout(1_000); // the settings reload (the cap is read when a turn starts)
    // $3 per 1M input: 20k tokens cost $0.06, over the $0.05 cap after the first answer.
    await fake.setDefault(models.paid, { type: 'text', text: 'First answer.', usage: { inputTokens: 20_000, outputTokens: 50 } });

    const frame = await showTab(session, 'chat');
    await frame.locator('#panel-chat button[title="New conversation"]').click();
    const first = await askInPanel(session, 'What does clamp do?');
    assert.match(first.text, /First answer\./);
    const sent = (await fake.requests()).filter((r) => r.endpoint === 'chat').length;

    // The estimate of the next turn is shown under the input before sending.
    const input = frame.locator('#panel-chat textarea.input');
    await input.click();
    await input.fill('And what about clampStrict?');
    const estimate = frame.locator('#panel-chat .turn-estimate .estimate-cost');
    await estimate.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await estimate.innerText(), /^Next turn ≈ \$[0-9.]+ · \S+ in/);
    assert.match(await frame.locator('#panel-chat .turn-estimate .context-label').innerText(), /tokens of context$/);
    await input.press('Enter');

    const dialog = panelFrame(session).locator('#panel-chat .cap-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /This conversation has cost \$0\.06\d*, reaching its cap of \$0\.05\. The turn is paused\./);
    assert.deepEqual(await dialog.locator('button').allInnerTexts(), ['Continue for about $0.0125 more', 'Switch to local', 'Stop']); // a quarter of the $0.05 cap, at the panel's one precision
    assert.equal((await fake.requests()).filter((r) => r.endpoint === 'chat').length, sent, 'no model call while paused');
    await session.screenshot('spend-cap-paused');

    await dialog.locator('button', { hasText: /^Stop$/ }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
    const notice = panelFrame(session).locator('#panel-chat .msg.assistant').last().locator('.notice');
    await notice.first().waitFor({ timeout: 15_000 });
    assert.match(await notice.first().innerText(), /Stopped at the spend cap/);
    assert.equal((await fake.requests()).filter((r) => r.endpoint === 'chat').length, sent, 'Stop sent nothing');
  });
});
