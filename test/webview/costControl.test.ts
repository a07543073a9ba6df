/**
 * Cost control in the built webview (headless Chromium): the Usage tab's prompt-cache and
 * provider-drift tables, the next-turn estimate with its context meter, and the spend-cap dialog.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { LedgerRecord } from '../../src/core/cost/types';
import { buildUsageView } from '../../src/host/panel/usageView';
import { buildPage, CHROMIUM, launch, openPanel } from './harness';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');

function record(over: Partial<LedgerRecord>): LedgerRecord {
  return {
    v: 1, traceId: Math.random().toString(16).slice(2).padEnd(32, '0'), time: new Date(NOW - 3_600_000).toISOString(), feature: 'chat', task: 'chat',
    route: ['sonnet'], model: 'sonnet', modelId: 'claude-sonnet-4-5', provider: 'an', attempts: [],
    usage: { inputTokens: 10_000, outputTokens: 500, cacheReadTokens: 8_000, cacheWriteTokens: 0 },
    costUsd: 0.01, cacheSavingsUsd: 0.0216, status: 'ok', latencyMs: 900, ...over,
  };
}

describe('webview: cost control (headless Chromium)', function () {
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

  it('Usage tab: cache hit rate and savings per model and day, provider drift flagged over 2%, prices as of', async () => {
    const records = [
      record({}),
      record({ model: 'routed', modelId: 'openai/gpt-5-mini', provider: 'or', costUsd: 0.0100, providerCostUsd: 0.0105, cacheSavingsUsd: 0 }),
      record({ model: 'routed', modelId: 'openai/gpt-5-mini', provider: 'or', costUsd: 0.0100, providerCostUsd: 0.0105, cacheSavingsUsd: 0 }),
      record({ model: 'litellm', modelId: 'gpt-5', provider: 'll', costUsd: 0.0200, providerCostUsd: 0.0201, usage: { inputTokens: 1000, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 }, cacheSavingsUsd: 0 }),
    ];
    const usage = buildUsageView(records, { nowMs: NOW, rangeDays: 7, prices: { asOf: '2026-11-01', source: 'published list prices' } });
    const p = await openPanel(browser, { width: 760, height: 1600 });
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false, tab: 'usage' }, { type: 'usage/data', usage }]);
    const flagged = p.page.locator('.drift tr.drift-flagged');
    assert.equal(await flagged.count(), 1, 'one model drifts over 2%');
    assert.equal(await flagged.getAttribute('data-model'), 'openai/gpt-5-mini');
    assert.match(await flagged.innerText(), /^openai\/gpt-5-mini\s+2\s+\$0\.02\s+\$0\.02\s+\+5\.0%\s+over 2%$/);
    assert.match(await p.page.locator('.drift tr[data-model="gpt-5"]').innerText(), /\+0\.5%[\s\S]*ok/);
    const sonnet = p.page.locator('.cache-by-model tbody tr', { hasText: 'claude-sonnet-4-5' });
    assert.equal(await sonnet.locator('.cache-hit-rate').innerText(), '80.0%');
    assert.equal(await sonnet.locator('.cache-saved').innerText(), '$0.02');
    assert.equal(await p.page.locator('.cache-by-day tbody tr').count(), 1);
    assert.equal(await p.page.locator('.prices-as-of').innerText(), 'Prices as of 2026-11-01');
    await p.page.locator('.cost-control').scrollIntoViewIfNeeded();
    await p.screenshot('usage-cost-control');
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });
});
