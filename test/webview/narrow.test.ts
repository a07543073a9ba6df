/**
 * The panel in VS Code's narrow side bar (300 px): toolbars stay one row (no wrapped header
 * buttons), the Traces table shows every column (Latency, TTFT, Tokens, Cost not cut off), the
 * Attempts table's text wraps inside the panel. Measured from element boxes in headless Chromium;
 * screenshots in test-artifacts/webview/narrow-*.png.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ledgerRecordSchema } from '../../src/core/cost/types';
import { buildUsageView } from '../../src/host/panel/usageView';
import { summarizeTrace } from '../../src/host/panel/traceView';
import type { HostMessage } from '../../src/protocol/messages';
import { layoutProblems } from '../support/layoutProbe';
import { openPanel, useBrowser } from './harness';

const fixtures = join(__dirname, '..', 'fixtures', 'panel');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as T;
export const NARROW_WIDTH = 300;

describe('webview at 300 px (the narrow side bar)', function () {
  this.timeout(60_000);
  const browser = useBrowser();

  it('Chat: the header stays one row and a streamed answer with code fits', async () => {
    const fx = load<{ messages: HostMessage[] }>('stream.json');
    const p = await openPanel(browser(), { width: NARROW_WIDTH, height: 700 });
    await p.send(fx.messages);
    // Long model labels, as a real configuration has (the e2e run found the picker past the edge).
    const models = ['coder', 'paid', 'backup', 'local'].map((name) => ({ name, id: `fake-${name}-with-a-long-id`, provider: 'fake' }));
    await p.send([{ type: 'models', models, routeModel: 'paid' }]);
    await p.screenshot('narrow-chat');
    assert.deepEqual(await layoutProblems(p.page, '#panel-chat'), []);
    // The "…" menu renames and deletes the conversation.
    await p.page.locator('#panel-chat select.more').selectOption('delete');
    assert.ok((await p.posted()).some((m) => m.type === 'chat/delete'));
    await p.page.locator('#panel-chat select.more').selectOption('rename');
    assert.equal(await p.page.locator('#panel-chat .toolbar input.rename').count(), 1);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  it('Usage: the header stays one row and the per-model table fits', async () => {
    const records = readFileSync(join(fixtures, 'ledger.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => ledgerRecordSchema.parse(JSON.parse(l)));
    const usage = buildUsageView(records, {
      nowMs: Date.parse('2026-11-24T12:00:00.000Z'),
      rangeDays: 7,
      budget: { dailySpentUsd: 4.5, dailyLimitUsd: 5, monthlySpentUsd: 20, monthlyLimitUsd: 100, level: 'warning', onExceed: 'block' },
    });
    const p = await openPanel(browser(), { width: NARROW_WIDTH, height: 900 });
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false, tab: 'usage' }, { type: 'usage/data', usage }]);
    await p.screenshot('narrow-usage');
    assert.deepEqual(await layoutProblems(p.page, '#panel-usage'), []);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  it('Traces: every column of the list is visible, and the detail (attempts, usage) fits', async () => {
    const trace = load<Parameters<typeof summarizeTrace>[0]>('trace.json');
    // As recorded live: the router copies the caller's switchyard.chat.* attributes onto its span.
    const op = trace.spans.find((sp) => sp.attributes['switchyard.attempts'] !== undefined)!;
    op.attributes['switchyard.chat.conversation_id'] = 'conv-1';
    const p = await openPanel(browser(), { width: NARROW_WIDTH, height: 900 });
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false, tab: 'traces' }, { type: 'traces/list', traces: [summarizeTrace(trace)] }]);
    await p.page.locator('.trace-list tbody tr').first().click();
    await p.send([{ type: 'traces/detail', traceId: trace.traceId, trace, prices: { 'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6, cacheReadPerMTok: 0.1 } } }]);
    await p.screenshot('narrow-traces');
    // Each request attribute once, although the chat span and the router operation both carry it.
    const requestKeys = await p.page.locator('.detail-section:has(h3:text-is("Request")) th').allInnerTexts();
    assert.equal(requestKeys.filter((k) => k === 'switchyard.chat.conversation_id').length, 1, requestKeys.join(', '));
    const headers = await p.page.locator('.trace-list thead th').allInnerTexts();
    for (const col of ['Latency', 'TTFT', 'Tokens', 'Cost']) assert.ok(headers.some((h) => h.includes(col)), `column ${col}: ${headers.join(' | ')}`);
    // Real rows carry the widest values: "cancelled", six-decimal costs.
    const wide = { ...summarizeTrace(trace), traceId: 'wide', status: 'cancelled' as const, costUsd: 0.004494, inputTokens: 1234, outputTokens: 300 };
    await p.send([{ type: 'traces/added', trace: wide }]);
    assert.equal(await p.page.locator('.trace-list tbody tr').count(), 2, 'the wide row is listed');
    assert.deepEqual(await layoutProblems(p.page, '#panel-traces'), []);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });
});
