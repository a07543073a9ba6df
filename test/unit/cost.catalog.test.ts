import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CatalogError, PriceCatalog, lookupCandidates } from '../../src/core/cost/catalog';
import prices from '../../src/core/cost/prices.json';

const require = createRequire(__filename);

/** String literals of `export type <name> = 'a' | 'b' | …;` in an installed .d.ts file. */
function literalUnion(pkg: string, relPath: string, typeName: string): string[] {
  // The SDKs' "exports" hide package.json, so walk up from the resolved entry point.
  let root = dirname(require.resolve(pkg));
  while (!existsSync(join(root, 'package.json')) || JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name !== pkg) {
    const up = dirname(root);
    assert.notEqual(up, root, `package root of ${pkg} not found`);
    root = up;
  }
  const text = readFileSync(join(root, relPath), 'utf8');
  const match = new RegExp(`export type ${typeName} =([^;]+);`).exec(text);
  assert.ok(match, `${pkg}/${relPath} no longer declares "export type ${typeName}" — update this test`);
  const ids = [...match[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
  assert.ok(ids.length > 5, `found only ${ids.length} ids in ${typeName}`);
  return ids;
}

describe('cost: price catalog', () => {
  const catalog = new PriceCatalog();

  it('loads the bundled, versioned catalog', () => {
    assert.equal(catalog.version, '2026-11-01');
    assert.equal(catalog.version, prices.version);
    assert.ok(catalog.list().length > 100);
  });

  describe('covers every model the installed SDKs name', () => {
    it("openai ChatModel (openai/resources/shared.d.ts)", () => {
      const ids = literalUnion('openai', 'resources/shared.d.ts', 'ChatModel');
      const missing = ids.filter((id) => catalog.lookup(id)?.provider !== 'openai');
      assert.deepEqual(missing, [], `add these to src/core/cost/prices.json: ${missing.join(', ')}`);
    });

    it("@anthropic-ai/sdk Model (resources/messages/messages.d.ts)", () => {
      const ids = literalUnion('@anthropic-ai/sdk', 'resources/messages/messages.d.ts', 'Model');
      const missing = ids.filter((id) => catalog.lookup(id)?.provider !== 'anthropic');
      assert.deepEqual(missing, [], `add these to src/core/cost/prices.json: ${missing.join(', ')}`);
    });
  });

  describe('lookup normalisation', () => {
    const cases: Array<[string, string | undefined]> = [
      ['gpt-4.1-mini', 'gpt-4.1-mini'],
      ['GPT-4o', 'gpt-4o'],
      ['gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
      ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
      ['claude-opus-4-0', 'claude-opus-4'],
      ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
      ['openai/gpt-4o', 'gpt-4o'],
      ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
      ['deepseek/deepseek-chat', 'deepseek-chat'],
      ['qwen2.5-coder:1.5b', 'qwen2.5-coder'],
      ['qwen2.5-coder:7b-base-q4_K_M', 'qwen2.5-coder'],
      ['llama3.1:latest', 'llama3.1'],
      ['deepseek-coder-v2:16b', 'deepseek-coder-v2'],
      ['Qwen/Qwen2.5-Coder-7B-Instruct', 'qwen2.5-coder'],
      ['codestral-2508', 'codestral-latest'],
      ['codestral:22b', 'codestral'],
      ['mistral-large-2411', 'mistral-large-latest'],
      ['gpt-4-0613', 'gpt-4'],
      ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
      ['anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku'],
      ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
      ['anthropic/claude-3.7-sonnet:thinking', 'claude-3-7-sonnet'],
      ['models/gemini-2.5-pro', 'gemini-2.5-pro'],
      // A dated snapshot with its own price keeps it.
      ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'],
      ['gpt-4o-2024-08-06', 'gpt-4o'],
      // Unknown stays unknown: never a guessed price.
      ['mistral-large-x', undefined],
      ['my-finetune', undefined],
      ['gpt-4o-mini-foo', undefined],
    ];
    for (const [input, expected] of cases) {
      it(`${input} → ${expected ?? 'unknown'}`, () => assert.equal(catalog.resolveId(input), expected));
    }

    it('candidates run from most to least specific', () => {
      assert.deepEqual(lookupCandidates('openai/gpt-4.1-mini-2025-04-14').slice(0, 3), ['openai/gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'openai/gpt-4.1-mini-latest']);
    });
  });

  describe('entries', () => {
    it('Anthropic cache prices are 1.25x / 0.1x input where Anthropic publishes the standard multipliers', () => {
      for (const id of ['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5', 'claude-3-5-haiku']) {
        const e = catalog.lookup(id)!;
        assert.equal(e.cacheWritePerMTok, Math.round(e.inputPerMTok * 1.25 * 1e6) / 1e6, id);
        assert.equal(e.cacheReadPerMTok, Math.round(e.inputPerMTok * 0.1 * 1e6) / 1e6, id);
      }
      assert.deepEqual(catalog.priceFor('claude-sonnet-4-5'), { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 });
    });

    it('local models cost 0 and FIM-capable ones say so', () => {
      for (const id of ['qwen2.5-coder', 'starcoder2', 'codellama', 'codegemma', 'deepseek-coder']) {
        const e = catalog.lookup(id)!;
        assert.equal(e.provider, 'local');
        assert.equal(e.inputPerMTok, 0);
        assert.equal(e.fim, true, id);
      }
      assert.equal(catalog.lookup('llama3.1')!.fim, false);
      assert.equal(catalog.lookup('codestral-latest')!.fim, true);
      assert.equal(catalog.lookup('gpt-3.5-turbo-instruct')!.kind, 'completion');
      assert.equal(catalog.lookup('text-embedding-3-small')!.kind, 'embedding');
      assert.equal(catalog.lookup('nomic-embed-text')!.kind, 'embedding');
    });

    it('unverified entries carry a note', () => {
      assert.match(catalog.noteFor('gpt-5.3-chat-latest') ?? '', /Unverified/);
      assert.equal(catalog.noteFor('gpt-4o'), undefined);
    });
  });

  describe('overrides', () => {
    it('settings prices win over the catalog, also for dated/prefixed ids', () => {
      const c = new PriceCatalog(undefined, { 'gpt-4o': { inputPerMTok: 1, outputPerMTok: 2 } });
      assert.deepEqual(c.priceFor('gpt-4o'), { inputPerMTok: 1, outputPerMTok: 2 });
      assert.deepEqual(c.priceFor('openai/gpt-4o-2024-08-06'), { inputPerMTok: 1, outputPerMTok: 2 });
      assert.equal(c.priceFor('gpt-4o-mini')!.inputPerMTok, 0.15);
      // The catalog's own, more specific snapshot entry keeps its price.
      assert.equal(c.priceFor('gpt-4o-2024-05-13')!.inputPerMTok, 5);
      const exact = new PriceCatalog(undefined, { 'gpt-4o-2024-05-13': { inputPerMTok: 7, outputPerMTok: 7 } });
      assert.equal(exact.priceFor('gpt-4o-2024-05-13')!.inputPerMTok, 7);
    });

    it('a per-model price wins over everything', () => {
      const c = new PriceCatalog(undefined, { 'gpt-4o': { inputPerMTok: 1, outputPerMTok: 2 } });
      assert.deepEqual(c.priceFor('gpt-4o', { inputPerMTok: 9, outputPerMTok: 9 }), { inputPerMTok: 9, outputPerMTok: 9 });
    });

    it('an override prices a model the catalog does not know', () => {
      const c = new PriceCatalog(undefined, { 'my-finetune': { inputPerMTok: 4, outputPerMTok: 8 } });
      assert.equal(c.lookup('my-finetune'), undefined);
      assert.deepEqual(c.priceFor('my-finetune'), { inputPerMTok: 4, outputPerMTok: 8 });
      assert.equal(new PriceCatalog().priceFor('my-finetune'), undefined);
    });

    it('an invalid override is rejected naming the model and field', () => {
      assert.throws(
        () => new PriceCatalog(undefined, { 'gpt-4o': { inputPerMTok: -1, outputPerMTok: 2 } }),
        (e: Error) => e instanceof CatalogError && /gpt-4o/.test(e.message) && /inputPerMTok/.test(e.message),
      );
    });
  });

  describe('validation', () => {
    const valid = { version: '2026-11-01', source: 'test', models: { m: { provider: 'openai', inputPerMTok: 1, outputPerMTok: 2, contextWindow: 10, maxOutputTokens: 5 } } };

    it('accepts a minimal catalog and applies defaults', () => {
      const c = new PriceCatalog(valid);
      assert.equal(c.lookup('m')!.fim, false);
      assert.equal(c.lookup('m')!.kind, 'chat');
    });

    it('names the bad field', () => {
      const bad = structuredClone(valid) as { models: Record<string, Record<string, unknown>> };
      bad.models.m.outputPerMTok = 'cheap';
      assert.throws(() => new PriceCatalog(bad), (e: Error) => e instanceof CatalogError && /models\.m\.outputPerMTok/.test(e.message));
      assert.throws(() => new PriceCatalog({ ...valid, version: 'latest' }), /version/);
      assert.throws(() => new PriceCatalog({ ...valid, aliases: { x: 'nope' } }), /aliases\.x/);
      assert.throws(() => new PriceCatalog(42), CatalogError);
    });
  });
});
