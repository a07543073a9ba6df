/**
 * createCoreServices, the graph both front doors build: files in the data dir, adapters cached per
 * provider and rebuilt when the key changes, the missing-key fix of the front door, and OTLP export
 * to a collector when trace.otlpEndpoint is set — through the real SDK against the fake server.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCoreServices, LEDGER_FILE, TRACES_FILE } from '../../src/core/app';
import { parseConfig } from '../../src/core/config/schema';
import { silentLogger } from '../../src/core/logger';
import { ModelError } from '../../src/core/models/errors';
import { startOtlpCollector, type OtlpCollector } from '../support/otlpCollector';
import { useWireFixture } from '../support/wireFixture';

describe('wire: createCoreServices (the core both front doors build)', function () {
  this.timeout(30_000);
  const fx = useWireFixture('core');
  let collector: OtlpCollector;

  before(async () => {
    collector = await startOtlpCollector();
  });
  after(() => collector.close());

  const config = (extra: Record<string, unknown> = {}) =>
    parseConfig({
      providers: {
        local: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl },
        hosted: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl },
      },
      models: { a: { provider: 'local', id: 'model-a' }, b: { provider: 'hosted', id: 'model-b' } },
      routes: { chat: ['a'], other: ['b'] },
      ...extra,
    });

  it('writes the ledger and the traces under the data dir, and exports traces over OTLP', async () => {
    const dataDir = join(fx.testDir, 'one');
    const core = fx.track(await createCoreServices({
      config: config({ trace: { otlpEndpoint: collector.url } }),
      secrets: { apiKey: async () => undefined },
      dataDir,
      logger: silentLogger,
    }));
    fx.fake.script('model-a', [{ type: 'text', text: 'hi there', usage: { inputTokens: 3, outputTokens: 2 } }]);
    const result = await core.router.complete({ task: 'chat', request: { messages: [{ role: 'user', content: 'hi' }] } });
    assert.equal(result.status, 'ok');
    assert.equal(result.text, 'hi there');
    await core.dispose();
    const ledger = readFileSync(join(dataDir, LEDGER_FILE), 'utf8').trim().split('\n');
    assert.equal(ledger.length, 1);
    assert.equal(JSON.parse(ledger[0]).traceId, result.traceId);
    assert.ok(existsSync(join(dataDir, TRACES_FILE)));
    assert.ok(readFileSync(join(dataDir, TRACES_FILE), 'utf8').includes(result.traceId), 'the trace persisted');
    assert.ok(await core.traceStore.find(result.traceId));
    const exported = collector.exports.map((e) => ({ path: e.path, bytes: e.body.length }));
    assert.ok(exported.some((c) => c.path === '/v1/traces' && c.bytes > 0), `collector got ${JSON.stringify(exported)}`);

    // A second core over the same data dir sees the stored trace and the spend.
    const again = fx.track(await createCoreServices({ config: config(), secrets: { apiKey: async () => undefined }, dataDir, logger: silentLogger }));
    assert.ok(await again.traceStore.find(result.traceId), 'traces reload from disk');
    assert.equal((await again.ledger.read()).length, 1);
  });

  it('caches adapters per provider and rebuilds one when its key changes', async () => {
    let key = 'sk-one';
    const core = fx.track(await createCoreServices({ config: config(), secrets: { apiKey: async () => key }, dataDir: join(fx.testDir, 'two'), logger: silentLogger }));
    const first = await core.adapterFor('hosted');
    assert.equal(await core.adapterFor('hosted'), first, 'same key → same adapter');
    key = 'sk-two';
    const second = await core.adapterFor('hosted');
    assert.notEqual(second, first, 'new key → new adapter');
    await assert.rejects(core.adapterFor('nope'), (e: unknown) => e instanceof ModelError && e.kind === 'config' && /not configured/.test(e.message));
  });

  it('tells how this front door sets a missing key, and the call fails without reaching the provider', async () => {
    const core = fx.track(await createCoreServices({
      config: config(),
      secrets: { apiKey: async () => undefined },
      dataDir: join(fx.testDir, 'three'),
      logger: silentLogger,
      keyFixForm: 'cli',
    }));
    await assert.rejects(core.adapterFor('hosted'), (e: unknown) => e instanceof ModelError && e.kind === 'config' && e.fix === 'Set OPENAI_API_KEY in the environment for provider "hosted".' && e.message.includes('No API key for provider "hosted"'));
    fx.fake.reset();
    const result = await core.router.complete({ task: 'other', request: { messages: [{ role: 'user', content: 'hi' }] } });
    assert.equal(result.status, 'error');
    assert.equal(result.attempts[0]?.errorClass, 'config');
    assert.equal(fx.fake.requests.length, 0);
  });
});
