/** Fallback: the route's first model answers 503, the next one answers; the trace shows both attempts and why. */
import assert from 'node:assert/strict';
import { e2e, models } from '../hooks';
import { askInPanel, openTraceOf, panelFrame } from '../panel';

describe('e2e: fallback', () => {
  it('answers from the next model of the route when the first returns 503, and the trace shows two attempts with the reason', async () => {
    const { session, fake } = e2e();
    await fake.script(models.paid, [{ type: 'server_error', status: 503 }]);
    await fake.setDefault(models.backup, { type: 'text', text: 'Answer from the backup model.', usage: { inputTokens: 400, outputTokens: 20 } });
    const before = (await fake.requests()).length;
    const answer = await askInPanel(session, 'What does add do?');
    assert.match(answer.text, /Answer from the backup model\./, `answer: ${answer.text} ${answer.error}`);
    const calls = (await fake.requests()).slice(before).filter((r) => r.endpoint === 'chat');
    assert.deepEqual(calls.map((r) => r.model), [models.paid, models.backup]);

    const detail = await openTraceOf(session, answer);
    const rows = panelFrame(session).locator('#panel-traces .trace-detail table.attempts tbody tr');
    const attempts = await rows.allInnerTexts();
    await session.screenshot('fallback-trace');
    assert.equal(attempts.length, 2, `attempt rows:\n${attempts.join('\n')}\n\ndetail:\n${detail}`);
    assert.match(attempts[0], /paid|fake-paid/);
    assert.match(attempts[0], /error/);
    assert.match(attempts[0], /503|server|5xx/i, `the first attempt names the reason: ${attempts[0]}`);
    assert.match(attempts[1], /backup|fake-backup/);
    assert.match(attempts[1], /ok/);
  });
});
