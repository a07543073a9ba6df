import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ledgerRecordSchema, type LedgerRecord } from '../../src/core/cost/types';
import type { TraceRecord } from '../../src/core/trace/types';
import { toCsv } from '../../src/core/cost/report';
import { buildUsageView, inRange, rangeDays } from '../../src/host/panel/usageView';
import { summarizeTrace } from '../../src/host/panel/traceView';
import { usageViewSchema } from '../../src/protocol/messages';

const fixtures = join(__dirname, '..', 'fixtures', 'panel');
const ledger: LedgerRecord[] = readFileSync(join(fixtures, 'ledger.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => ledgerRecordSchema.parse(JSON.parse(l)));
// Noon UTC keeps every fixture record on the same local day in any time zone within ±11 h.
const now = Date.parse('2026-11-24T12:00:00.000Z');
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

describe('report view: Usage tab data from a ledger fixture (numbers checked by hand)', () => {
  const view = buildUsageView(ledger, {
    nowMs: now,
    rangeDays: 7,
    budget: { dailySpentUsd: 4.5, dailyLimitUsd: 5, monthlySpentUsd: 20, monthlyLimitUsd: 100, level: 'warning', onExceed: 'block' },
  });

  it('is valid for the protocol', () => {
    assert.equal(usageViewSchema.safeParse(view).success, true);
  });

  it('keeps only the range (the 2026-11-10 call is out of a 7-day range)', () => {
    assert.equal(view.totals.calls, 9);
    assert.equal(view.days.length, 7);
    assert.equal(view.days.at(-1), '2026-11-24');
    assert.equal(inRange(ledger, now, 30).length, 10);
  });

  it('totals spend exactly, counting unknown prices apart, never as $0', () => {
    close(view.totals.costUsd, 0.021934);
    assert.equal(view.totals.unknownCostCalls, 2);
    assert.equal(view.totals.inputTokens, 9700);
    assert.equal(view.totals.outputTokens, 850);
    assert.equal(view.totals.cacheReadTokens, 1000);
    close(view.totals.cacheSavingsUsd, 0.0027);
  });

  it('groups by feature, provider and model, most expensive first', () => {
    assert.deepEqual(view.byFeature.map((r) => r.key), ['chat', 'tools', 'completion', 'embedding']);
    close(view.byFeature[0]!.costUsd, 0.0198);
    assert.equal(view.byFeature[0]!.calls, 3);
    assert.equal(view.byFeature[2]!.unknownCostCalls, 2);
    assert.deepEqual(view.byProvider.map((r) => r.key), ['anthropic', 'openai', 'ollama']);
    close(view.byProvider[0]!.costUsd, 0.02145);
    close(view.byProvider[1]!.costUsd, 0.000484);
    assert.deepEqual(view.byModel.map((r) => r.key), ['sonnet', 'gpt-mini', 'embed', 'local-qwen']);
  });

  it('stacks spend per day by model over the whole range, empty days as zero', () => {
    const sonnet = view.dailyByModel.find((s) => s.model === 'sonnet')!;
    assert.equal(sonnet.costUsd.length, 7);
    assert.deepEqual(sonnet.costUsd.slice(0, 4), [0, 0, 0, 0]);
    close(sonnet.costUsd[4]!, 0.006);
    close(sonnet.costUsd[5]!, 0.01545);
    assert.equal(sonnet.costUsd[6], 0);
    assert.deepEqual(sonnet.tokens.slice(4), [1200, 2850, 0]);
    assert.equal(view.dailyByModel[0]!.model, 'sonnet');
  });

  it('reports the completion accept rate per model', () => {
    assert.deepEqual(
      view.acceptRate.map((a) => [a.model, a.shown, a.accepted, a.rate]),
      [['gpt-mini', 2, 1, 0.5], ['local-qwen', 2, 1, 0.5]],
    );
  });

  it('shows budget progress with a warning state at 80 %', () => {
    assert.deepEqual(view.budget.lines.map((l) => [l.period, l.state]), [['day', 'warn'], ['month', 'ok']]);
    assert.equal(view.budget.onExceed, 'block');
    const exceeded = buildUsageView([], { nowMs: now, rangeDays: 1, budget: { dailySpentUsd: 5, dailyLimitUsd: 5, monthlySpentUsd: 5, level: 'exceeded', onExceed: 'warn' } });
    assert.deepEqual(exceeded.budget.lines.map((l) => l.state), ['exceeded']);
    assert.equal(exceeded.totals.calls, 0);
  });

  it('exports the range as CSV: one row per call plus a header, unknown cost left empty', () => {
    const csv = toCsv(inRange(ledger, now, 7)).trim().split(/\r?\n/);
    assert.equal(csv.length, 10);
    const header = csv[0]!.split(',');
    const costCol = header.findIndex((h) => /cost/i.test(h));
    assert.ok(costCol >= 0, `a cost column in ${csv[0]}`);
    const t7 = csv.find((l) => l.includes('t7'))!;
    assert.equal(t7.split(',')[costCol], '');
  });

  it('uses whole local days for the range', () => {
    const d = rangeDays(now, 3);
    assert.deepEqual(d, ['2026-11-22', '2026-11-23', '2026-11-24']);
  });
});

describe('report view: Traces tab row from a stored trace', () => {
  const trace = JSON.parse(readFileSync(join(fixtures, 'trace.json'), 'utf8')) as TraceRecord;

  it('summarizes feature, final model, status, latency, TTFT, tokens and cost', () => {
    const s = summarizeTrace(trace);
    assert.deepEqual(
      { feature: s.feature, model: s.model, status: s.status, latencyMs: s.latencyMs, ttftMs: s.ttftMs, inputTokens: s.inputTokens, outputTokens: s.outputTokens, costUsd: s.costUsd, attempts: s.attempts },
      { feature: 'chat', model: 'gpt-mini', status: 'ok', latencyMs: 2400, ttftMs: 640, inputTokens: 1834, outputTokens: 212, costUsd: 0.0012, attempts: 2 },
    );
  });

  it('reports an unknown cost as null when an operation has no price', () => {
    const op = trace.spans.find((s) => s.spanId === 's3')!;
    const { ['switchyard.cost_usd']: _drop, ...rest } = op.attributes;
    const t2 = { ...trace, spans: trace.spans.map((s) => (s === op ? { ...s, attributes: rest } : s)) };
    assert.equal(summarizeTrace(t2).costUsd, null);
  });
});
