/**
 * The panel in VS Code's narrow side bar (300 px): toolbars stay one row (no wrapped header
 * buttons), the Traces table shows every column (Latency, TTFT, Tokens, Cost not cut off), the
 * Attempts table's text wraps inside the panel. Measured from element boxes in headless Chromium;
 * screenshots in test-artifacts/webview/narrow-*.png.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ledgerRecordSchema } from '../../src/core/cost/types';
import { buildUsageView } from '../../src/host/panel/usageView';
import { summarizeTrace } from '../../src/host/panel/traceView';
import type { HostMessage } from '../../src/protocol/messages';
import { layoutProblems } from '../support/layoutProbe';
import { buildPage, CHROMIUM, launch, openPanel } from './harness';

const fixtures = join(__dirname, '..', 'fixtures', 'panel');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as T;
export const NARROW_WIDTH = 300;

describe('webview at 300 px (the narrow side bar)', function () {
  this.timeout(60_000);
  let browser: Browser;

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/install-chromium.sh (or set SWITCHYARD_CHROMIUM).`);
    await buildPage();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('Chat: the header stays one row and a streamed answer with code fits', async () => {
    const fx = load<{ messages: HostMessage[] }>('stream.json');
    const p = await openPanel(browser, { width: NARROW_WIDTH, height: 700 });
    await p.send(fx.messages);
    await p.screenshot('narrow-chat');
    assert.deepEqual(await layoutProblems(p.page, '#panel-chat'), []);
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
    const p = await openPanel(browser, { width: NARROW_WIDTH, height: 900 });
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
    const p = await openPanel(browser, { width: NARROW_WIDTH, height: 900 });
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false, tab: 'traces' }, { type: 'traces/list', traces: [summarizeTrace(trace)] }]);
    await p.page.locator('.trace-list tbody tr').first().click();
    await p.send([{ type: 'traces/detail', traceId: trace.traceId, trace, prices: { 'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6, cacheReadPerMTok: 0.1 } } }]);
    await p.screenshot('narrow-traces');
    // Each request attribute once, although the chat span and the router operation both carry it.
    const requestKeys = await p.page.locator('.detail-section:has(h3:text-is("Request")) th').allInnerTexts();
    assert.equal(requestKeys.filter((k) => k === 'switchyard.chat.conversation_id').length, 1, requestKeys.join(', '));
    const headers = await p.page.locator('.trace-list thead th').allInnerTexts();
    for (const col of ['Latency', 'TTFT', 'Tokens', 'Cost']) assert.ok(headers.some((h) => h.includes(col)), `column ${col}: ${headers.join(' | ')}`);
    assert.deepEqual(await layoutProblems(p.page, '#panel-traces'), []);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });
});
