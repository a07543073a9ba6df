import assert from 'node:assert/strict';
import { routerSettingsSchema, parseConfig } from '../../src/core/config/schema';
import { ModelError, type ErrorClass } from '../../src/core/models/errors';
import { CircuitBreaker } from '../../src/core/router/breaker';
import { candidateNames } from '../../src/core/router/candidates';
import { backoffDelay, decide } from '../../src/core/router/policy';

const settings = routerSettingsSchema.parse({ maxRetries: 2, retryAfterCapMs: 5000, backoffBaseMs: 100, backoffMaxMs: 1000 });
const err = (kind: ErrorClass, extra: Partial<{ retryAfterMs: number; status: number }> = {}) => new ModelError({ kind, message: kind, ...extra });
const half = () => 0.5;

describe('router policy: what each error class does', () => {
  it('retries a 429 whose Retry-After is under the cap, waiting at least Retry-After', () => {
    const d = decide(err('rate_limit', { retryAfterMs: 1200 }), 0, false, settings, half);
    assert.equal(d.action, 'retry');
    assert.ok(d.action === 'retry' && d.delayMs >= 1200);
  });
  it('moves on for a 429 whose Retry-After is over the cap', () => {
    const d = decide(err('rate_limit', { retryAfterMs: 60_000 }), 0, false, settings, half);
    assert.equal(d.action, 'next');
    assert.match(d.reason, /longer than/);
  });
  for (const kind of ['server', 'network'] as const) {
    it(`retries ${kind} errors until maxRetries, then moves on`, () => {
      assert.equal(decide(err(kind, { status: 503 }), 0, false, settings, half).action, 'retry');
      assert.equal(decide(err(kind, { status: 503 }), 1, false, settings, half).action, 'retry');
      const last = decide(err(kind, { status: 503 }), 2, false, settings, half);
      assert.equal(last.action, 'next');
      assert.match(last.reason, /repeated/);
    });
  }
  it('does not retry a host that accepted no connection: moves on and names the host', () => {
    const dead = new ModelError({ kind: 'network', message: 'Cannot reach http://127.0.0.1:9/v1 (ECONNREFUSED).', unreachableHost: 'http://127.0.0.1:9' });
    const d = decide(dead, 0, false, settings, half);
    assert.equal(d.action, 'next');
    assert.ok(d.action === 'next' && d.hostUnreachable === 'http://127.0.0.1:9');
  });
  for (const kind of ['overloaded', 'timeout', 'ttft_timeout', 'not_found'] as const) {
    it(`moves to the next candidate on ${kind}`, () => {
      assert.equal(decide(err(kind), 0, false, settings, half).action, 'next');
    });
  }
  it('marks the provider failed on auth errors', () => {
    const d = decide(err('auth', { status: 401 }), 0, false, settings, half);
    assert.ok(d.action === 'next' && d.providerFailed);
  });
  it('asks for a larger context window on context-window errors', () => {
    const d = decide(err('context_window'), 0, false, settings, half);
    assert.ok(d.action === 'next' && d.contextExceeded);
  });
  it('stops on invalid requests and on cancel', () => {
    assert.equal(decide(err('invalid_request', { status: 400 }), 0, false, settings, half).action, 'stop');
    assert.equal(decide(err('aborted'), 0, false, settings, half).action, 'stop');
  });
  it('never restarts a stream that already delivered output', () => {
    assert.equal(decide(err('server', { status: 500 }), 0, true, settings, half).action, 'stop');
    assert.equal(decide(err('overloaded'), 0, true, settings, half).action, 'stop');
  });
  it('backs off exponentially with jitter, bounded', () => {
    const low = backoffDelay(0, settings, () => 0);
    const high = backoffDelay(0, settings, () => 1);
    assert.deepEqual([low, high], [50, 100]);
    assert.equal(backoffDelay(10, settings, () => 1), 1000);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, admits one probe after the cooldown, closes on success', () => {
    let now = 0;
    const b = new CircuitBreaker(2, 1000, { now: () => now });
    b.onFailure('m');
    assert.equal(b.state('m'), 'closed');
    b.onFailure('m');
    assert.equal(b.state('m'), 'open');
    assert.equal(b.tryAcquire('m'), false);
    now = 1000;
    assert.equal(b.state('m'), 'half_open');
    assert.equal(b.tryAcquire('m'), true);
    assert.equal(b.tryAcquire('m'), false, 'only one probe at a time');
    b.onSuccess('m');
    assert.equal(b.state('m'), 'closed');
  });
  it('re-opens when the probe fails', () => {
    let now = 0;
    const b = new CircuitBreaker(1, 1000, { now: () => now });
    b.onFailure('m');
    now = 1500;
    assert.ok(b.tryAcquire('m'));
    b.onFailure('m');
    assert.equal(b.state('m'), 'open');
    now = 2400;
    assert.equal(b.state('m'), 'open');
  });
});

describe('route resolution', () => {
  const config = parseConfig({
    providers: { p: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' } },
    models: { a: { provider: 'p', id: 'a' }, b: { provider: 'p', id: 'b' }, c: { provider: 'p', id: 'c' } },
    routes: { chat: ['a', 'b'], completion: ['c'] },
    pinned: { chat: 'b' },
  });
  it('puts the pinned model first without duplicating it', () => {
    assert.deepEqual(candidateNames(config, 'chat'), ['b', 'a']);
  });
  it('puts an explicit model before the pin', () => {
    assert.deepEqual(candidateNames(config, 'chat', 'c'), ['c', 'a', 'b']);
  });
  it('lets custom tasks without a route use the chat route', () => {
    assert.deepEqual(candidateNames(config, 'summarize'), ['b', 'a']);
  });
  it('gives embeddings no implicit route', () => {
    assert.deepEqual(candidateNames(config, 'embedding'), []);
  });
});
