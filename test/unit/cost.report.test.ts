import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { JsonlLedger } from '../../src/core/cost/ledger';
import { acceptRate, aggregate, dailyByModel, isModelCall, markdownSummary, toCsv, usdDecimal } from '../../src/core/cost/report';
import type { LedgerRecord } from '../../src/core/cost/types';

// Times in the fixture are 10:00–13:30 UTC, so local days equal UTC days in any zone from UTC−10 to UTC+10.
const FIXTURE = resolve(__dirname, '../fixtures/ledger-sample.jsonl');

const row = (key: string, calls: number, errors: number, costUsd: number, unknownCostCalls: number, inputTokens: number, outputTokens: number, cacheReadTokens: number, cacheWriteTokens: number, cacheSavingsUsd: number) =>
  ({ key, calls, errors, costUsd, unknownCostCalls, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cacheSavingsUsd, localCalls: 0 });

describe('cost: reports over the sample ledger', () => {
  let records: LedgerRecord[];
  before(async () => {
    const ledger = new JsonlLedger(FIXTURE);
    records = await ledger.read();
    assert.equal(ledger.skippedLines, 2, 'the torn line and the v2 line are skipped');
  });

  it('reads the 15 valid records: 10 model calls and 5 completion outcome records', () => {
    assert.deepEqual(records.map((r) => r.traceId), ['a1', 'a2', 'a3', 'a3', 'a4', 'a4', 'a5', 'a5', 'a6', 'a6', 'a7', 'a8', 'a9', 'a10', 'a3']);
    assert.deepEqual(records.filter((r) => !isModelCall(r)).map((r) => r.outcome), ['accepted', 'rejected', 'shown', 'accepted', 'cache_hit']);
  });

  it('by day', () => {
    assert.deepEqual(aggregate(records, 'day'), [
      // a1 + a2 + a3 + a4: $0.007275 + $0.0036 = $0.010875; savings $0.0054 + $0.003
      row('2026-11-20', 4, 0, 0.010875, 0, 2600 + 2100 + 500 + 480, 300 + 300 + 20 + 15, 4000, 500, 0.0084),
      // a5..a8: only a6 costs (400 × $0.15 + 40 × $0.60 per 1M = $0.000084); a8 failed
      row('2026-11-21', 4, 1, 0.000084, 0, 510 + 400, 30 + 40, 0, 0, 0),
      // a9 (unknown price) + a10 (5000 × $0.02 per 1M); the cache-hit record is not a model call
      row('2026-11-22', 2, 0, 0.0001, 1, 1000 + 5000, 200, 0, 0, 0),
    ]);
  });

  it('by model, most expensive first', () => {
    assert.deepEqual(aggregate(records, 'model'), [
      row('sonnet', 2, 1, 0.007275, 0, 2600, 300, 2000, 500, 0.0054),
      row('gpt41', 1, 0, 0.0036, 0, 2100, 300, 2000, 0, 0.003),
      row('embed', 1, 0, 0.0001, 0, 5000, 0, 0, 0, 0),
      row('mini', 2, 0, 0.000084, 0, 400, 40, 0, 0, 0),
      row('qwen', 3, 0, 0, 0, 500 + 480 + 510, 20 + 15 + 30, 0, 0, 0),
      row('ft', 1, 0, 0, 1, 1000, 200, 0, 0, 0),
    ]);
  });

  it('by provider', () => {
    assert.deepEqual(aggregate(records, 'provider').map((r) => [r.key, r.calls, r.costUsd, r.unknownCostCalls]), [
      ['anthropic', 2, 0.007275, 0],
      ['openai', 4, 0.003784, 0], // 0.0036 + 0.000084 + 0.0001, exactly
      ['ollama', 3, 0, 0],
      ['vllm', 1, 0, 1],
    ]);
  });

  it('by feature', () => {
    assert.deepEqual(aggregate(records, 'feature'), [
      row('chat', 4, 1, 0.010875, 1, 2600 + 2100 + 1000, 300 + 300 + 200, 4000, 500, 0.0084),
      row('rag', 1, 0, 0.0001, 0, 5000, 0, 0, 0, 0),
      row('completion', 5, 0, 0.000084, 0, 500 + 480 + 510 + 400, 20 + 15 + 30 + 40, 0, 0, 0),
    ]);
  });

  it('daily series per model for stacked charts', () => {
    const d = dailyByModel(records);
    assert.deepEqual(d.days, ['2026-11-20', '2026-11-21', '2026-11-22']);
    assert.deepEqual(d.series, [
      { model: 'sonnet', costUsd: [0.007275, 0, 0], tokens: [2900, 0, 0] },
      { model: 'gpt41', costUsd: [0.0036, 0, 0], tokens: [2400, 0, 0] },
      { model: 'embed', costUsd: [0, 0, 0.0001], tokens: [0, 0, 5000] },
      { model: 'mini', costUsd: [0, 0.000084, 0], tokens: [0, 440, 0] },
      // free models: more tokens first (1015 + 540 > 1200)
      { model: 'qwen', costUsd: [0, 0, 0], tokens: [520 + 495, 540, 0] },
      { model: 'ft', costUsd: [0, 0, 0], tokens: [0, 0, 1200] },
    ]);
  });

  it('fills days without calls so the x axis is continuous', () => {
    const gap = [records[0], records[13]]; // a1 (11-20) and a10 (11-22)
    assert.deepEqual(dailyByModel(gap).days, ['2026-11-20', '2026-11-21', '2026-11-22']);
    assert.deepEqual(dailyByModel([]), { days: [], series: [] });
  });

  it('completion accept rate per model', () => {
    assert.deepEqual(acceptRate(records), [
      // accepted (a3), rejected (a4), shown (a5) were seen; a3 was shown again from the cache
      { model: 'qwen', shown: 3, accepted: 1, rate: 1 / 3, cacheHits: 1, cancelled: 0 },
      // a6 accepted; a7 cancelled before it was shown
      { model: 'mini', shown: 1, accepted: 1, rate: 1, cacheHits: 0, cancelled: 1 },
    ]);
  });

  it('CSV: RFC 4180 quoting, ISO times, tokens by kind, full-precision cost, empty cell for unknown cost', () => {
    const csv = toCsv(records);
    const lines = csv.split('\r\n');
    assert.equal(lines.length, 15 + 2, 'header + one row per record + the empty string after the final CRLF');
    assert.equal(lines[16], '');
    assert.equal(lines[0], 'time,trace_id,feature,task,status,outcome,workspace,provider,model,model_id,route,attempts,error_class,input_tokens,uncached_input_tokens,cache_read_tokens,cache_write_tokens,output_tokens,cost_usd,cache_savings_usd,latency_ms,ttft_ms');
    assert.equal(lines[1], '2026-11-20T10:00:00.000Z,a1,chat,chat,ok,,"/home/dev/my ""app"", v2",anthropic,sonnet,claude-sonnet-4-5,sonnet > gpt41,1,,2600,100,2000,500,300,0.007275,0.0054,2400,610');
    assert.equal(lines[9], '2026-11-21T10:05:00.000Z,a6,completion,completion,ok,,,openai,mini,gpt-4o-mini,mini,1,,400,400,0,0,40,0.000084,0,350,210');
    assert.equal(lines[10], '2026-11-21T10:05:20.000Z,a6,completion,completion,ok,accepted,,openai,mini,gpt-4o-mini,,0,,0,0,0,0,0,0,,0,');
    assert.equal(lines[12], '2026-11-21T11:00:00.000Z,a8,chat,chat,error,,,anthropic,sonnet,claude-sonnet-4-5,sonnet,2,overloaded,0,0,0,0,0,0,0,1300,');
    assert.equal(lines[13], '2026-11-22T10:00:00.000Z,a9,chat,chat,ok,,,vllm,ft,my-finetune,ft,1,,1000,1000,0,0,200,,,900,300');
  });

  it('decimal dollars never use exponent notation', () => {
    assert.equal(usdDecimal(9e-7), '0.0000009');
    assert.equal(usdDecimal(12962.962935), '12962.962935');
    assert.equal(usdDecimal(0), '0');
    assert.equal(usdDecimal(-0.5), '-0.5');
  });

  it('Markdown summary with totals, budget and tables', () => {
    const md = markdownSummary(records, {
      dailySpentUsd: 0.0001, monthlySpentUsd: 0.011059, dailyLimitUsd: 1, monthlyLimitUsd: 0.0125, level: 'warning', onExceed: 'warn',
      message: 'Monthly budget at 88%: $0.01106 of $0.0125 spent this month.',
    });
    assert.match(md, /^## Switchyard usage\n/);
    assert.match(md, /Period: 2026-11-20 to 2026-11-22 \(3 days with calls\)/);
    assert.match(md, /- Calls: 10 \(1 failed\)/);
    // 0.010875 + 0.000084 + 0.0001 = 0.011059
    assert.match(md, /- Cost: \$0\.01106 \(\+ 1 call with unknown price\)/);
    assert.match(md, /- Tokens: 12,590 in \(4,000 cache reads, 500 cache writes\), 905 out/);
    assert.match(md, /- Saved by prompt caching: \$0\.0084/);
    assert.match(md, /- This month: \$0\.01106 of \$0\.0125/);
    assert.match(md, /- State: warning — Monthly budget at 88%/);
    assert.match(md, /\| sonnet \| 2 \| 1 \| \$0\.007275 \| 2,600 \| 300 \| \$0\.0054 \|/);
    assert.match(md, /\| ft \| 1 \| 0 \| \$0\.00 \+ 1 unknown \|/);
    assert.match(md, /\| qwen \| 3 \| 1 \| 33\.3% \|/);
    assert.match(markdownSummary([]), /No model calls recorded yet\./);
  });
});
