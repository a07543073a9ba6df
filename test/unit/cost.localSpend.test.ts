/**
 * "$0 (local)" beyond the chat footer: the router flags local calls in the ledger and the trace, old
 * ledgers without the flag still read, and the Usage tab, the Traces tab and `switchyard cost` say
 * "$0 (local)" through the one spend formatter — only where every call of a row ran locally.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { parseConfig } from '../../src/core/config/schema';
import { BudgetTracker } from '../../src/core/cost/budget';
import { PriceCatalog } from '../../src/core/cost/catalog';
import { formatUsd } from '../../src/core/cost/money';
import { parseLedgerLine } from '../../src/core/cost/recordCheck';
import { aggregate, allLocal, markdownSummary } from '../../src/core/cost/report';
import { UsageTotals } from '../../src/core/cost/totals';
import { ledgerRecordSchema, type LedgerRecord } from '../../src/core/cost/types';
import { silentLogger } from '../../src/core/logger';
import type { ModelAdapter } from '../../src/core/models/types';
import { createRouter } from '../../src/core/router/router';
import { ATTR_SWITCHYARD_LOCAL } from '../../src/core/trace/attributes';
import { MemoryTraceStore } from '../../src/core/trace/store';
import { createTracer } from '../../src/core/trace/tracer';
import { summarizeTrace } from '../../src/host/panel/traceView';
import { buildUsageView } from '../../src/host/panel/usageView';
import { formatUsd as panelFormatUsd } from '../../webview-ui/src/dom';
import { recordingIO } from '../support/cliIo';
import { MemoryLedger } from '../support/memoryLedger';

const usage = (n: number) => ({ inputTokens: n, outputTokens: n, cacheReadTokens: 0, cacheWriteTokens: 0 });

function record(model: string, costUsd: number | null, local: boolean, time = new Date().toISOString()): LedgerRecord {
  return {
    v: 1, traceId: `t-${model}-${Math.random()}`, time, feature: 'chat', task: 'chat', route: [model], model, modelId: model, provider: 'p',
    attempts: [{ model, modelId: model, provider: 'p', status: 'ok', latencyMs: 5 }], usage: usage(10), costUsd, status: 'ok', latencyMs: 5,
    ...(local ? { local: true as const } : {}),
  };
}

describe('cost: "$0 (local)" in the ledger, the panel and the CLI', () => {
  describe('the one spend formatter', () => {
    it('reads "$0 (local)" for a local $0, and the plain amount otherwise', () => {
      assert.equal(formatUsd(0, { local: true }), '$0 (local)');
      assert.equal(formatUsd(0), '$0.00', 'a billed $0 (e.g. a free hosted tier) is not called local');
      assert.equal(formatUsd(0.0042, { local: true }), '$0.0042', 'a local model the user priced shows its price');
      assert.equal(formatUsd(null, { local: true }), 'unknown');
    });

    it('the panel formats through it (same text, its own word for unknown)', () => {
      assert.equal(panelFormatUsd(0, { local: true }), '$0 (local)');
      assert.equal(panelFormatUsd(0, { local: false }), '$0.00');
      assert.equal(panelFormatUsd(0.0042, { local: true }), formatUsd(0.0042));
      assert.equal(panelFormatUsd(null, { local: true }), 'cost unknown');
    });
  });

  describe('the router', () => {
    it('flags a call answered by a loopback model in its ledger record and its operation span; a billed call carries no flag', async () => {
      const config = parseConfig({
        providers: { here: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' }, oa: { kind: 'openai' } },
        models: { llama: { provider: 'here', id: 'llama3.2' }, mini: { provider: 'oa', id: 'gpt-4.1-mini' } },
        routes: { chat: ['llama'] },
      });
      const ledger = new MemoryLedger();
      const traceStore = new MemoryTraceStore({ maxTraces: 10, maxBytes: 1_000_000 });
      const adapter = (providerName: string): ModelAdapter => ({
        providerName, kind: 'openai',
        async *stream() {
          yield { type: 'text', text: 'hi' };
          yield { type: 'usage', usage: usage(10) };
          yield { type: 'finish', reason: 'stop' };
        },
        async embed() {
          throw new Error('unused');
        },
      });
      const router = createRouter({
        config, adapterFor: async (name) => adapter(name), catalog: new PriceCatalog(), ledger,
        tracer: createTracer({ store: traceStore }), budget: new BudgetTracker(config.budget, ledger), logger: silentLogger,
      });
      const local = await router.complete({ task: 'chat', feature: 'chat', request: { messages: [{ role: 'user', content: 'hi' }] } });
      const billed = await router.complete({ task: 'chat', feature: 'chat', model: 'mini', request: { messages: [{ role: 'user', content: 'hi' }] } });
      assert.equal(local.status, 'ok');
      assert.equal(billed.status, 'ok');
      const [localRecord, billedRecord] = ledger.records;
      assert.equal(localRecord.local, true);
      assert.equal(localRecord.costUsd, 0);
      assert.equal(billedRecord.local, undefined);
      assert.ok(ledgerRecordSchema.safeParse(localRecord).success);

      const localTrace = (await traceStore.find(local.traceId))!;
      const billedTrace = (await traceStore.find(billed.traceId))!;
      assert.ok(localTrace.spans.some((s) => s.attributes[ATTR_SWITCHYARD_LOCAL] === true));
      assert.ok(!billedTrace.spans.some((s) => s.attributes[ATTR_SWITCHYARD_LOCAL] !== undefined));
      assert.equal(summarizeTrace(localTrace).local, true, 'the Traces list row of a local call');
      assert.equal(summarizeTrace(billedTrace).local, undefined);
    });
  });

  describe('ledger lines', () => {
    it('an old record without the flag still reads (as not local); a flagged one reads flagged; a malformed flag is refused', () => {
      const old = record('m', 0, false);
      assert.deepEqual(parseLedgerLine(JSON.stringify(old)), old);
      assert.equal(parseLedgerLine(JSON.stringify(record('m', 0, true)))?.local, true);
      assert.equal(parseLedgerLine(JSON.stringify({ ...old, local: 'yes' })), undefined);
      assert.equal(parseLedgerLine(JSON.stringify({ ...old, local: false })), undefined, 'the schema writes the flag as true or not at all');
    });
  });

  describe('reports', () => {
    const records = [
      record('llama', 0, true), record('llama', 0, true),
      // The same model name once served locally, later from a hosted provider: not "local".
      record('moved', 0, true), record('moved', 0.003, false),
      record('mini', 0.0021, false),
      record('freebie', 0, false),
    ];

    it('a model row is local only when every call of it was; a mixed or billed $0 row is not', () => {
      const rows = new Map(aggregate(records, 'model').map((r) => [r.key, r]));
      assert.equal(allLocal(rows.get('llama')!), true);
      assert.equal(allLocal(rows.get('moved')!), false);
      assert.equal(allLocal(rows.get('mini')!), false);
      assert.equal(allLocal(rows.get('freebie')!), false);
      assert.equal(rows.get('moved')!.localCalls, 1);
    });

    it('the Usage tab marks all-local model rows and an all-local total', () => {
      const nowMs = Date.now();
      const view = buildUsageView(records, { nowMs, rangeDays: 7 });
      const byModel = new Map(view.byModel.map((r) => [r.key, r]));
      assert.equal(byModel.get('llama')?.local, true);
      assert.equal(byModel.get('moved')?.local, undefined);
      assert.equal(byModel.get('freebie')?.local, undefined);
      assert.equal(view.totals.local, undefined, 'the total mixes billed calls');
      const onlyLocal = buildUsageView([record('llama', 0, true)], { nowMs, rangeDays: 7 });
      assert.equal(onlyLocal.totals.local, true);
      assert.equal(panelFormatUsd(onlyLocal.totals.costUsd, { local: onlyLocal.totals.local }), '$0 (local)');
    });

    it('the Markdown export says "$0 (local)" on all-local rows only', () => {
      const md = markdownSummary(records);
      assert.match(md, /\| llama \| 2 \| 0 \| \$0 \(local\) \|/);
      assert.match(md, /\| freebie \| 1 \| 0 \| \$0\.00 \|/);
      assert.doesNotMatch(md, /\| moved \|[^\n]*\(local\)/);
    });

    it('per-day totals keep the local count through their JSON form (the totals index file)', () => {
      const json = UsageTotals.of(records).toJSON();
      const back = aggregate(UsageTotals.fromJSON(json), 'model');
      assert.equal(allLocal(back.find((r) => r.key === 'llama')!), true);
      // An index saved before records carried the flag has no count: nothing in it is local.
      const legacy = json.map(({ localCalls: _drop, ...row }) => row);
      assert.equal(aggregate(UsageTotals.fromJSON(legacy), 'model').find((r) => r.key === 'llama')!.localCalls, 0);
    });
  });

  describe('switchyard cost --by model', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'switchyard-local-spend-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const io = (env: NodeJS.ProcessEnv) => recordingIO({ env, cwd: dir });

    const line = (text: string, key: string) => text.split('\n').find((l) => l.startsWith(`${key} `)) ?? '';

    it('shows "$0 (local)" for an all-local model, the amount for a mixed one, and again from the saved totals index', async () => {
      const data = join(dir, 'data');
      mkdirSync(data);
      // An old record without the flag beside new ones: the ledger stays readable.
      const lines = [record('old', 0, false), record('llama', 0, true), record('llama', 0, true), record('moved', 0, true), record('moved', 0.003, false)];
      writeFileSync(join(data, 'ledger.jsonl'), lines.map((r) => JSON.stringify(r)).join('\n') + '\n');
      for (const pass of ['from the ledger', 'from the saved index']) {
        const c = io({ SWITCHYARD_DATA_DIR: data });
        assert.equal(await main(['cost', '--by', 'model'], c), 0, c.err());
        assert.match(line(c.out(), 'llama'), /\$0 \(local\)\s*$/, `${pass}:\n${c.out()}`);
        assert.match(line(c.out(), 'moved'), /\$0\.003\s*$/, pass);
        assert.match(line(c.out(), 'old'), /\$0\.00\s*$/, pass);
        assert.match(c.out(), /^Total \$0\.003 over 5 calls/m, pass);
      }
      assert.match(readFileSync(join(data, 'ledger.totals.json'), 'utf8'), /"localCalls":2/);
      const onlyLocal = join(dir, 'local-only');
      mkdirSync(onlyLocal);
      writeFileSync(join(onlyLocal, 'ledger.jsonl'), `${JSON.stringify(record('llama', 0, true))}\n`);
      const c = io({ SWITCHYARD_DATA_DIR: onlyLocal });
      assert.equal(await main(['cost', '--by', 'model'], c), 0, c.err());
      assert.match(c.out(), /^Total \$0 \(local\) over 1 calls/m);
    });
  });
});
