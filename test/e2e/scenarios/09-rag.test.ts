/**
 * @workspace: Index Workspace, then a chat with @workspace sends the relevant sample-workspace code
 * and the trace lists it. The scripted reply names no file: everything asserted about retrieval
 * comes from the prompt the model received and the trace.
 */
import assert from 'node:assert/strict';
import { e2e, models } from '../hooks';
import { askInPanel, openTraceOf, panelFrame } from '../panel';

describe('e2e: @workspace retrieval', () => {
  it('indexes the sample workspace and an @workspace question carries src/invoice.ts to the model and into the trace', async () => {
    const { session, fake } = e2e();
    await session.runCommandById('switchyard.indexWorkspace');
    assert.ok(await session.waitForSwitchyardLog(/RAG: workspace: \{/, 60_000), 'the index finished (Switchyard log)');
    await fake.setDefault(models.paid, { type: 'text', text: 'Scripted answer.' });
    const before = (await fake.requests()).length;
    const answer = await askInPanel(session, 'Where is the tax applied to an invoice total?', {
      beforeSend: async (frame) => {
        await frame.locator('#panel-chat .context-buttons button', { hasText: '@workspace' }).click();
        await frame.locator('#panel-chat .composer .chip', { hasText: '@workspace' }).waitFor({ timeout: 10_000 });
      },
    });
    await session.screenshot('rag-answer');
    assert.equal(answer.error, '', 'the call succeeded');
    const chat = (await fake.requests()).slice(before).filter((r) => r.endpoint === 'chat');
    const prompt = JSON.stringify(chat.at(-1)?.body.messages ?? []);
    assert.match(prompt, /invoice\.ts/, 'the retrieved file is named in the prompt');
    assert.match(prompt, /totalWithTaxCents/, 'the retrieved code is in the prompt');
    const detail = await openTraceOf(session, answer);
    await session.screenshot('rag-trace');
    // The trace's retrieved-context table lists the file with a score, and the recorded prompt holds its code.
    const frame = panelFrame(session);
    const retrieved = await frame.locator('#panel-traces .trace-detail .detail-section', { has: frame.locator('h3', { hasText: /Retrieved context/i }) }).innerText();
    assert.match(retrieved, /src\/invoice\.ts\s+\d+-\d+\s+\d\.\d{3}/, `retrieved context:\n${retrieved}`);
    // Section titles render upper-case (CSS), hence /i.
    assert.match(detail, /Prompt[^\n]*\(redacted\)[\s\S]*totalWithTaxCents/i, 'the traced prompt carries the retrieved code');
  });
});
