/**
 * The fault matrix, table-driven (rows in faultMatrix.cases.ts): every misbehaviour × both wires
 * (OpenAI, Anthropic) × alone and with a fallback candidate, through the real SDKs and the real
 * core against the fake server. Every case also checks the invariants: exactly one ledger record
 * for the call, and never $0 for tokens a paid model used.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeStep } from '../support/fakeServer';
import { useWireFixture } from '../support/wireFixture';
import { FAULT_ROWS, wireUsageFor, type Expect, type FaultRow, type Wire } from './faultMatrix.cases';

const MODELS: Record<Wire, { primary: string; fallback: string; kind: 'openai' | 'anthropic' }> = {
  openai: { primary: 'gpt-4.1-mini', fallback: 'gpt-4.1-nano', kind: 'openai' },
  anthropic: { primary: 'claude-sonnet-4-6', fallback: 'claude-haiku-4-5', kind: 'anthropic' },
};

describe('fault matrix: every misbehaviour × both wires × alone / with a fallback', function () {
  this.timeout(30_000);
  const fx = useWireFixture('faults');

  function withUsage(row: FaultRow, wire: Wire, step: FakeStep): FakeStep {
    const wireUsage = wireUsageFor(row.id, wire);
    return wireUsage && step.type === 'text' ? { ...step, wireUsage } : step;
  }

  async function run(row: FaultRow, wire: Wire, withFallback: boolean) {
    const m = MODELS[wire];
    const baseUrl = wire === 'openai' ? fx.fake.openaiBaseUrl : fx.fake.anthropicBaseUrl;
    for (const step of row.script ?? []) fx.fake.script(m.primary, [withUsage(row, wire, step)]);
    fx.fake.setDefault(m.primary, withUsage(row, wire, row.persistent ?? { type: 'text', text: 'from primary' }));
    fx.fake.setDefault(m.fallback, { type: 'text', text: 'from fallback' });
    const core = await fx.core({
      // Two provider entries on the same wire: a rejected key on the first does not hide the second.
      providers: { p1: { kind: m.kind, baseUrl }, p2: { kind: m.kind, baseUrl } },
      models: {
        primary: { provider: 'p1', id: m.primary, contextWindow: 8_000 },
        fallback: { provider: 'p2', id: m.fallback, contextWindow: 200_000 },
      },
      routes: { chat: withFallback ? ['primary', 'fallback'] : ['primary'] },
      router: { maxRetries: 1, backoffBaseMs: 5, backoffMaxMs: 10, retryAfterCapMs: 1000, ttftTimeoutMs: { default: 400 }, requestTimeoutMs: 1500, breakerFailureThreshold: 100 },
    });
    const result = await core.router.complete({ task: 'chat', request: { messages: [{ role: 'user', content: 'Summarise the retry policy in one sentence.' }], maxTokens: 100 } });
    await core.ledger.flush?.();
    const records = await core.ledger.read();
    return { result, records, fallbackRequests: fx.fake.count({ model: m.fallback }) };
  }

  function check(wire: Wire, want: Expect, got: Awaited<ReturnType<typeof run>>) {
    const { result, records, fallbackRequests } = got;
    const why = `${result.status} ${result.error?.kind ?? ''}: ${result.error?.message ?? result.text}`;
    assert.equal(result.status, want.status, why);
    if (want.errorKind) assert.equal(result.error?.kind, typeof want.errorKind === 'function' ? want.errorKind(wire) : want.errorKind, why);
    if (want.message) assert.match(result.error?.message ?? '', want.message);
    if (want.answeredBy) assert.equal(result.text.includes('from fallback') ? 'fallback' : 'primary', want.answeredBy, result.text);
    if (want.fallbackUntouched) assert.equal(fallbackRequests, 0, 'the fallback was not asked');
    if (want.keepsText) assert.ok(result.text.startsWith(want.keepsText), `text kept: ${JSON.stringify(result.text)}`);
    if (want.usageSource) assert.equal(result.usageSource, want.usageSource);
    if (want.costUnknown) assert.equal(result.costUsd, null);
    // Invariants of every call.
    assert.equal(records.length, 1, 'exactly one ledger record');
    assert.equal(records[0].traceId, result.traceId);
    const used = result.usage.inputTokens + result.usage.outputTokens > 0;
    if (used) assert.notEqual(result.costUsd, 0, 'tokens of a paid model are never $0');
    if (result.status === 'ok' && !want.costUnknown) assert.ok(result.costUsd !== null && result.costUsd > 0, `cost ${result.costUsd}`);
  }

  for (const row of FAULT_ROWS) {
    for (const wire of row.wires) {
      it(`${row.id} · ${wire} · alone`, async () => check(wire, row.alone, await run(row, wire, false)));
      it(`${row.id} · ${wire} · with a fallback`, async () => check(wire, row.withFallback, await run(row, wire, true)));
    }
  }

  it("README's reliability section lists every row of the matrix", () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const missing = FAULT_ROWS.filter((r) => !readme.includes(`| ${r.misbehaviour} |`)).map((r) => r.id);
    assert.deepEqual(missing, []);
  });
});
