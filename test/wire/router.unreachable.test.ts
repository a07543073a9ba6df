/**
 * An unreachable provider over the wire: the real openai and @anthropic-ai/sdk clients call a
 * loopback port nobody listens on. The router tries the dead host once (no retries), skips the
 * other candidates on that host within the call, falls back to a live one, and a call where every
 * candidate fails reports one short line per attempt.
 */
import assert from 'node:assert/strict';
import { useWireFixture } from '../support/wireFixture';
import { closedPort } from '../support/ports';

describe('router: an unreachable provider (real SDKs, a refused loopback port)', function () {
  this.timeout(30_000);
  const fx = useWireFixture('unreachable');
  let dead: string;
  before(async () => {
    dead = `http://127.0.0.1:${await closedPort()}`;
  });

  async function build(chat: string[]) {
    const core = await fx.core({
      providers: {
        // Two providers (two SDKs) on one dead server: the host is what is down, not the provider.
        local: { kind: 'openai-compatible', baseUrl: `${dead}/v1` },
        localAnthropic: { kind: 'anthropic', baseUrl: dead },
        oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl },
      },
      models: {
        qwen: { provider: 'local', id: 'qwen2.5:7b-instruct' },
        llama: { provider: 'local', id: 'llama3.1:8b' },
        proxied: { provider: 'localAnthropic', id: 'claude-sonnet-4-6' },
        mini: { provider: 'oa', id: 'gpt-4.1-mini' },
      },
      routes: { chat },
      // The defaults that made a dead host cost three attempts per model.
      router: { maxRetries: 2, backoffBaseMs: 5, backoffMaxMs: 20, breakerFailureThreshold: 100 },
    });
    return core;
  }
  const question = { task: 'chat', request: { messages: [{ role: 'user' as const, content: 'Hello?' }], maxTokens: 50 } };

  it('tries the dead host once, skips its other models, and answers from the live provider', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'text', chunks: ['Hi from mini'] }]);
    const { router, ledger } = await build(['qwen', 'llama', 'proxied', 'mini']);
    const result = await router.complete(question);
    assert.equal(result.status, 'ok');
    assert.equal(result.text, 'Hi from mini');
    assert.deepEqual(result.attempts.map((a) => [a.model, a.status, a.errorClass]), [
      ['qwen', 'error', 'network'],
      ['llama', 'skipped', 'network'],
      ['proxied', 'skipped', 'network'],
      ['mini', 'ok', undefined],
    ]);
    assert.match(result.attempts[0].reason ?? '', /ECONNREFUSED/);
    assert.match(result.attempts[1].reason ?? '', new RegExp(`${dead.replace(/[.:/]/g, '\\$&')} accepted no connection earlier in this call`));
    assert.equal((await ledger.read())[0].attempts.length, 4);
  });

  it('when every candidate is on the dead host: one attempt, and one short line per attempt in the error', async () => {
    const { router } = await build(['qwen', 'llama', 'proxied']);
    const result = await router.complete(question);
    assert.equal(result.status, 'error');
    assert.equal(result.attempts.filter((a) => a.status === 'error').length, 1, 'one request, no retries');
    const lines = (result.error?.message ?? '').split('\n');
    assert.equal(lines[0], 'Every candidate for task "chat" failed:');
    assert.equal(lines.length, 1 + result.attempts.length);
    assert.match(lines[1], /^- qwen \(local\): Cannot reach http:\/\/127\.0\.0\.1:\d+\/v1 \(ECONNREFUSED\)\.$/);
    assert.match(lines[3], /^- proxied \(localAnthropic\): skipped, /);
    for (const line of lines.slice(1)) assert.ok(line.length <= 160, `long line: ${line}`);
    assert.equal(result.error?.fix, 'Start the server or fix providers.local.baseUrl.');
  });

  it('a second call tries the dead host again (the skip lasts one call; the circuit breaker spans calls)', async () => {
    const { router } = await build(['qwen', 'mini']);
    fx.fake.script('gpt-4.1-mini', [{ type: 'text', chunks: ['one'] }, { type: 'text', chunks: ['two'] }]);
    const first = await router.complete(question);
    const second = await router.complete(question);
    assert.deepEqual([first.text, second.text], ['one', 'two']);
    assert.equal(second.attempts[0].model, 'qwen');
    assert.equal(second.attempts[0].status, 'error');
  });
});
