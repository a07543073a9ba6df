/** Local token counting (gpt-tokenizer) and the prompt-cache minimum per Claude model. */
import assert from 'node:assert/strict';
import { encodingFor, TokenCounter } from '../../src/core/models/tokens';
import { minCacheableTokens } from '../../src/core/models/promptCache';
import { providerCostFrom } from '../../src/core/models/providerCost';

describe('cost: token counter', () => {
  it('picks the encoding of the model family', () => {
    assert.equal(encodingFor('gpt-5-mini'), 'o200k_base');
    assert.equal(encodingFor('openai/gpt-4o'), 'o200k_base');
    assert.equal(encodingFor('o3-mini'), 'o200k_base');
    assert.equal(encodingFor('gpt-4-0613'), 'cl100k_base');
    assert.equal(encodingFor('claude-sonnet-4-5'), 'cl100k_base');
    assert.equal(encodingFor('qwen2.5-coder:7b'), 'cl100k_base');
  });

  it('counts real BPE tokens, per encoding, and serves repeats from its cache', () => {
    const t = new TokenCounter({ maxEntries: 2 });
    assert.equal(t.countTokens('gpt-4o', 'hello world'), 2);
    assert.equal(t.countTokens('gpt-4o', ''), 0);
    const code = 'function add(a: number, b: number): number { return a + b; }';
    const o200k = t.countTokens('gpt-5', code);
    const cl100k = t.countTokens('gpt-4', code);
    assert.ok(o200k > 10 && cl100k > 10, `${o200k} / ${cl100k}`);
    assert.equal(t.countTokens('gpt-5', code), o200k, 'same answer from the cache');
    // A bounded cache: a third text evicts the oldest, counts stay right.
    assert.equal(t.countTokens('gpt-4o', 'hello world'), 2);
    assert.equal(t.countMessages('gpt-4o', [{ role: 'user', content: 'hello world' }]), 2 + 4);
  });
});

describe('cost: prompt-cache minimum by model', () => {
  const cases: Array<[string, number]> = [
    ['claude-sonnet-4-5-20250929', 1024],
    ['claude-sonnet-4-20250514', 1024],
    ['claude-opus-4-1', 1024],
    ['claude-3-7-sonnet-latest', 1024],
    ['claude-sonnet-4-6', 2048],
    ['anthropic/claude-sonnet-4.6', 2048],
    ['claude-3-5-haiku-latest', 2048],
    ['claude-3-haiku-20240307', 2048],
    ['claude-haiku-4-5', 4096],
    ['claude-opus-4-5', 4096],
    ['claude-opus-4-6', 4096],
  ];
  for (const [id, min] of cases) it(`${id} → ${min}`, () => assert.equal(minCacheableTokens(id), min));
});

describe('cost: provider-reported cost', () => {
  it('reads usage.cost, usage.total_cost and the LiteLLM header; ignores junk', () => {
    assert.equal(providerCostFrom(undefined, { prompt_tokens: 1, cost: 0.5 }), 0.5);
    assert.equal(providerCostFrom(undefined, { total_cost: '0.25' }), 0.25);
    assert.equal(providerCostFrom(new Headers({ 'x-litellm-response-cost': '0.0019' }), { prompt_tokens: 1 }), 0.0019);
    assert.equal(providerCostFrom(new Headers({ 'x-litellm-response-cost': 'n/a' }), {}), undefined);
    assert.equal(providerCostFrom(undefined, { cost: -1 }), undefined);
    assert.equal(providerCostFrom(undefined, null), undefined);
  });
});
