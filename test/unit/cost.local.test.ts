/** "Local means $0": which providers are local, and what a local model costs. */
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/core/config/schema';
import { PriceCatalog } from '../../src/core/cost/catalog';
import { isLocalProvider, isLoopbackHost, priceOfModel } from '../../src/core/cost/local';

describe('cost: local models', () => {
  it('recognises loopback hosts and nothing else', () => {
    for (const h of ['127.0.0.1', '127.255.0.9', 'localhost', 'LOCALHOST', 'api.localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['10.0.0.1', '128.0.0.1', '127.0.0.256', 'localhost.example.com', 'example.com', '::2', '0.0.0.0']) assert.ok(!isLoopbackHost(h), h);
  });

  it('an openai-compatible loopback server is local; hosted kinds on loopback (proxies) are not; `local` decides when set', () => {
    assert.ok(isLocalProvider({ kind: 'openai-compatible', baseUrl: 'http://localhost:11434/v1' }));
    assert.ok(!isLocalProvider({ kind: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1' }));
    assert.ok(!isLocalProvider({ kind: 'openai', baseUrl: 'http://127.0.0.1:4000/v1' }));
    assert.ok(isLocalProvider({ kind: 'openai-compatible', baseUrl: 'http://gpu-box.lan:8000/v1', local: true }));
    assert.ok(!isLocalProvider({ kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:4000/v1', local: false }));
  });

  it('a local model costs $0 even when a hosted model of the same id has a catalog price; user prices win', () => {
    const catalog = new PriceCatalog(undefined, { 'gpt-4o': { inputPerMTok: 7, outputPerMTok: 8 } });
    const config = parseConfig({
      providers: { here: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1' }, oa: { kind: 'openai' } },
      models: {
        mini: { provider: 'here', id: 'gpt-4.1-mini' },
        priced: { provider: 'here', id: 'x', price: { inputPerMTok: 1, outputPerMTok: 1 } },
        overridden: { provider: 'here', id: 'gpt-4o' },
        hosted: { provider: 'oa', id: 'gpt-4.1-mini' },
      },
    });
    assert.deepEqual(priceOfModel(config, catalog, 'mini', 'gpt-4.1-mini'), { inputPerMTok: 0, outputPerMTok: 0 });
    assert.deepEqual(priceOfModel(config, catalog, 'priced', 'x'), { inputPerMTok: 1, outputPerMTok: 1 });
    assert.deepEqual(priceOfModel(config, catalog, 'overridden', 'gpt-4o'), { inputPerMTok: 7, outputPerMTok: 8 });
    assert.ok((priceOfModel(config, catalog, 'hosted', 'gpt-4.1-mini')?.inputPerMTok ?? 0) > 0);
  });
});
