/**
 * Two first-five-minutes details in the built webview (headless Chromium): local calls read
 * "$0 (local)" in the Usage and Traces tabs as under a chat answer (and fit the 300 px side bar),
 * and the instructions chip, removed, stays as an "off" chip that is not sent and can be included
 * again (the host keeps the choice per workspace: test/unit/panel.instructions.test.ts).
 */
import assert from 'node:assert/strict';
import type { LedgerRecord } from '../../src/core/cost/types';
import {
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_SWITCHYARD_ATTEMPTS,
  ATTR_SWITCHYARD_COST_USD,
  ATTR_SWITCHYARD_FEATURE,
  ATTR_SWITCHYARD_LOCAL,
  ATTR_SWITCHYARD_MODEL,
  ATTR_SWITCHYARD_STATUS,
} from '../../src/core/trace/attributes';
import type { TraceRecord } from '../../src/core/trace/types';
import { summarizeTrace } from '../../src/host/panel/traceView';
import { buildUsageView } from '../../src/host/panel/usageView';
import { layoutProblems } from '../support/layoutProbe';
import { openPanel, useBrowser } from './harness';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');

function record(model: string, costUsd: number, local: boolean): LedgerRecord {
  return {
    v: 1, traceId: `t-${model}-${costUsd}`, time: new Date(NOW - 3_600_000).toISOString(), feature: 'chat', task: 'chat', route: [model], model, modelId: model, provider: 'p',
    attempts: [{ model, modelId: model, provider: 'p', status: 'ok', latencyMs: 5 }], usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 0, cacheWriteTokens: 0 },
    costUsd, status: 'ok', latencyMs: 5, ...(local ? { local: true as const } : {}),
  };
}

function trace(id: string, model: string, costUsd: number, local: boolean): TraceRecord {
  const attributes = {
    [ATTR_SWITCHYARD_FEATURE]: 'chat', [ATTR_SWITCHYARD_STATUS]: 'ok', [ATTR_SWITCHYARD_ATTEMPTS]: 1, [ATTR_SWITCHYARD_MODEL]: model,
    [ATTR_GEN_AI_REQUEST_MODEL]: model, [ATTR_SWITCHYARD_COST_USD]: costUsd, ...(local ? { [ATTR_SWITCHYARD_LOCAL]: true } : {}),
  };
  return { traceId: id, name: 'chat', startMs: NOW, endMs: NOW + 400, spans: [{ traceId: id, spanId: `${id}-s`, name: 'chat', startMs: NOW, endMs: NOW + 400, status: 'ok', attributes, events: [] }] };
}

describe('webview: "$0 (local)" in Usage and Traces; the instructions chip off and on', function () {
  this.timeout(60_000);
  const browser = useBrowser();

  it('Usage: an all-local model row and an all-local total read "$0 (local)"; a model that mixed in billed calls shows its amount', async () => {
    const records = [record('llama', 0, true), record('llama', 0, true), record('moved', 0, true), record('moved', 0.003, false)];
    const p = await openPanel(browser(), { width: 300, height: 1400 });
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false, tab: 'usage' }]);
    await p.send([{ type: 'usage/data', usage: buildUsageView(records, { nowMs: NOW, rangeDays: 7 }) }]);
    const spendOf = async (model: string) => (await p.page.locator('table.by-model tbody tr', { has: p.page.locator(`td:text-is("${model}")`) }).first().locator('td.spend').innerText()).trim();
    assert.equal(await spendOf('llama'), '$0 (local)');
    assert.equal(await spendOf('moved'), '$0.003');
    assert.match(await p.page.locator('.card').first().innerText(), /\$0\.003/, 'the total mixes billed calls');
    assert.deepEqual(await layoutProblems(p.page, '#panel-usage'), []);
    await p.screenshot('usage-local-narrow');

    await p.send([{ type: 'usage/data', usage: buildUsageView(records.slice(0, 2), { nowMs: NOW, rangeDays: 7 }) }]);
    assert.match(await p.page.locator('.card .card-value').first().innerText(), /^\$0 \(local\)$/);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  it('Traces: a local call reads "$0 (local)" in the list and in its detail, a billed $0 call does not; the column fits 300 px', async () => {
    const local = trace('trace-local', 'llama', 0, true);
    const billed = trace('trace-free', 'free-tier', 0, false);
    const p = await openPanel(browser(), { width: 300, height: 1200 });
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false, tab: 'traces' }]);
    await p.send([{ type: 'traces/list', traces: [summarizeTrace(local), summarizeTrace(billed)] }]);
    const cost = (id: string) => p.page.locator(`.trace-list tr[data-trace-id="${id}"] td.cost`).innerText();
    assert.equal((await cost('trace-local')).trim(), '$0 (local)');
    assert.equal((await cost('trace-free')).trim(), '$0.00');
    assert.deepEqual(await layoutProblems(p.page, '#panel-traces'), []);
    await p.page.locator('.trace-list tr[data-trace-id="trace-local"]').click();
    await p.send([{ type: 'traces/detail', traceId: 'trace-local', trace: local }]);
    assert.match(await p.page.locator('.trace-detail table.usage tr.total').innerText(), /Cost\s+\$0 \(local\)/);
    await p.screenshot('traces-local-narrow');
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  it('instructions chip: × turns it off (still shown, not sent, host told); "include" turns it back on', async () => {
    const p = await openPanel(browser());
    await p.send([{ type: 'init', models: [{ name: 'llama', provider: 'here', id: 'llama3.2' }], routeModel: 'llama', conversations: [], active: null, running: false }]);
    await p.send([{ type: 'chat/addChip', chip: { kind: 'instructions', id: 'instructions', paths: ['AGENTS.md'] } }]);
    const chip = p.page.locator('.composer .chip[data-kind="instructions"]');
    await chip.locator('.chip-remove').click();
    assert.equal(await chip.count(), 1, 'the chip stays, off');
    assert.match(await chip.getAttribute('class') ?? '', /\boff\b/);
    assert.equal(await chip.locator('.chip-label').innerText(), 'AGENTS.md · off');
    const input = p.page.locator('textarea.input');
    await input.fill('first');
    await input.press('Enter');
    let posted = await p.posted();
    assert.deepEqual(posted.filter((m) => m.type === 'chat/instructions'), [{ type: 'chat/instructions', include: false }]);
    assert.deepEqual((posted.find((m) => m.type === 'chat/send') as { chips: unknown[] }).chips, [], 'an off chip is not sent');
    await p.screenshot('chat-instructions-off');

    // The next window: the host offers the chip off (its kept choice); "include" brings it back.
    await p.send([{ type: 'chat/conversation', conversation: null, running: false }, { type: 'chat/addChip', chip: { kind: 'instructions', id: 'instructions', paths: ['AGENTS.md'], off: true } }]);
    await chip.locator('.chip-include').click();
    assert.doesNotMatch(await chip.getAttribute('class') ?? '', /\boff\b/);
    await input.fill('second');
    await input.press('Enter');
    posted = await p.posted();
    assert.deepEqual(posted.filter((m) => m.type === 'chat/instructions').at(-1), { type: 'chat/instructions', include: true });
    assert.deepEqual((posted.filter((m) => m.type === 'chat/send').at(-1) as { chips: unknown[] }).chips, [{ kind: 'instructions', id: 'instructions', paths: ['AGENTS.md'] }]);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });
});
