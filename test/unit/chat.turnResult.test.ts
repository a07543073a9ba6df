import assert from 'node:assert/strict';
import { routerTurnRunner } from '../../src/core/chat/turn';
import { turnResultOf } from '../../src/core/chat/turnResult';
import { ModelError } from '../../src/core/models/errors';
import type { Router, RouterResult } from '../../src/core/router/types';

const call = (over: Partial<RouterResult>): RouterResult => ({
  traceId: 'trace-a',
  status: 'ok',
  text: '',
  toolCalls: [],
  attempts: [{ model: 'm', modelId: 'm-id', provider: 'p', status: 'ok', latencyMs: 5 }],
  usage: { inputTokens: 10, outputTokens: 2, cacheReadTokens: 1, cacheWriteTokens: 0 },
  costUsd: 0.01,
  latencyMs: 5,
  model: 'm',
  provider: 'p',
  ...over,
});

describe('chat: a turn result from its model calls', () => {
  it('sums usage, cost and provider-reported cost over the calls; the last call answers', () => {
    const r = turnResultOf(
      [call({ text: 'Checking.', providerCostUsd: 0.02 }), call({ text: 'Done.', model: 'big', provider: 'q', costUsd: 0.03, usageSource: 'estimated' })],
      { latencyMs: 40 },
    );
    assert.equal(r.status, 'ok');
    assert.equal(r.text, 'Checking.\n\nDone.');
    assert.deepEqual(r.usage, { inputTokens: 20, outputTokens: 4, cacheReadTokens: 2, cacheWriteTokens: 0 });
    assert.ok(Math.abs(r.costUsd! - 0.04) < 1e-12);
    assert.equal(r.providerCostUsd, 0.02);
    assert.equal(r.usageSource, 'estimated');
    assert.equal(r.model, 'big');
    assert.equal(r.provider, 'q');
    assert.equal(r.attempts.length, 2);
    assert.equal(r.latencyMs, 40);
  });

  it('an unknown cost in any call makes the turn cost unknown, never $0', () => {
    const r = turnResultOf([call({ costUsd: null }), call({ costUsd: 0 })], { latencyMs: 1 });
    assert.equal(r.costUsd, null);
    assert.equal(r.providerCostUsd, undefined);
  });

  it('is local only when every call ran on a local model', () => {
    assert.equal(turnResultOf([call({ local: true, costUsd: 0 }), call({ local: true, costUsd: 0 })], { latencyMs: 1 }).local, true);
    assert.equal(turnResultOf([call({ local: true, costUsd: 0 }), call({})], { latencyMs: 1 }).local, undefined);
  });

  it('lists the traces of its calls once each, the turn trace first', () => {
    assert.deepEqual(turnResultOf([call({ traceId: 'root' }), call({ traceId: 'root' })], { traceId: 'root', latencyMs: 1 }).traceIds, ['root']);
    assert.deepEqual(turnResultOf([call({ traceId: 'x' }), call({ traceId: 'y' })], { latencyMs: 1 }).traceIds, ['x', 'y']);
  });

  it("takes the last call's status and error; without any call it is an error with no cost spent", () => {
    const err = new ModelError({ kind: 'server', message: 'down' });
    const failed = turnResultOf([call({}), call({ status: 'error', error: err, costUsd: null })], { latencyMs: 1 });
    assert.equal(failed.status, 'error');
    assert.equal(failed.error, err);
    const none = turnResultOf([], { latencyMs: 0 });
    assert.equal(none.status, 'error');
    assert.equal(none.costUsd, 0);
    assert.deepEqual(none.traceIds, []);
  });

  it('the plain turn runner reports its one router call as the turn', async () => {
    const routed = call({ text: 'hi', traceId: 'one', costUsd: null });
    const router = {
      stream: () => ({ result: Promise.resolve(routed), async *[Symbol.asyncIterator]() { yield { type: 'text', text: 'hi' } as const; } }),
    } as unknown as Router;
    const stream = routerTurnRunner(() => router)({ messages: [], signal: new AbortController().signal, attributes: {}, onToolCall: () => {} });
    const texts: string[] = [];
    for await (const e of stream) if (e.type === 'text') texts.push(e.text);
    const r = await stream.result;
    assert.deepEqual(texts, ['hi']);
    assert.deepEqual(r.traceIds, ['one']);
    assert.equal(r.costUsd, null);
    assert.deepEqual(r.toolCalls, []);
  });
});
