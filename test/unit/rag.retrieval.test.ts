/** BM25 lexical index (code tokenizer, purge, persistence) and reciprocal rank fusion. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LexicalIndex, tokenizeCode, topK } from '../../src/core/rag/store/lexicalIndex';
import { analyze } from '../../src/core/rag/store/textAnalysis';
import { reciprocalRankFusion } from '../../src/core/rag/retrieve/fusion';
import { capPerFile, weightedFusion } from '../../src/core/rag/retrieve/weightedFusion';
import type { Chunk } from '../../src/core/rag/types';
import { ragStatusView, relativeInside } from '../../src/host/rag/statusView';
import { collectionName } from '../../src/core/rag/store/chromaStore';
import { completionSnippets, snippetQuery } from '../../src/core/rag/retrieve/snippets';
import type { SearchOptions, SearchResponse } from '../../src/core/rag/indexer';

const chunk = (path: string, i: number, text: string, symbol = ''): Chunk => ({ id: `${path}#${i}`, path, startLine: i * 10 + 1, endLine: i * 10 + 5, symbol, language: 'typescript', text });
const stat = { hash: 'h', size: 1, mtimeMs: 1 };

describe('rag lexical index', () => {
  it('splits identifiers the way people search for them', () => {
    assert.deepEqual(tokenizeCode('buildURL max_redirects XMLHttpRequest'), ['buildurl', 'build', 'url', 'max_redirects', 'max', 'redirects', 'xmlhttprequest', 'xml', 'http', 'request']);
  });

  it('ranks by BM25 over text, symbol and path, finds camelCase parts and plural forms', () => {
    const idx = new LexicalIndex();
    idx.replace('src/retry.ts', stat, [chunk('src/retry.ts', 0, 'export function retryWithBackoff(fn) { /* sleeps between attempts */ }', 'retryWithBackoff')]);
    idx.replace('src/cache.ts', stat, [chunk('src/cache.ts', 0, 'export class LruCache { evict() {} }', 'LruCache'), chunk('src/cache.ts', 1, 'function unrelated() { return 1 }')]);
    const r = idx.query('how are retries with backoff done', 5);
    assert.equal(r[0].id, 'src/retry.ts#0');
    assert.equal(idx.query('cache eviction', 5)[0].id, 'src/cache.ts#0');
    assert.deepEqual(idx.ref('src/cache.ts#1'), { id: 'src/cache.ts#1', path: 'src/cache.ts', symbol: '', startLine: 11, endLine: 15, language: 'typescript' });
  });

  it('purges every chunk of a removed or replaced file', () => {
    const idx = new LexicalIndex();
    idx.replace('a.ts', stat, [chunk('a.ts', 0, 'alpha beta'), chunk('a.ts', 1, 'gamma')]);
    idx.replace('a.ts', stat, [chunk('a.ts', 2, 'delta')]);
    assert.equal(idx.size, 1);
    assert.deepEqual(idx.query('gamma', 5), []);
    idx.remove(['a.ts']);
    assert.equal(idx.size, 0);
    assert.deepEqual(idx.paths(), []);
  });

  it('persists and reloads; an unreadable index loads as empty without throwing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-lex-'));
    const idx = new LexicalIndex();
    idx.replace('a.ts', { hash: 'abc', size: 10, mtimeMs: 5 }, [chunk('a.ts', 0, 'parseWidgetConfig reads widgets', 'parseWidgetConfig')]);
    idx.replace('gen.js', { hash: 'g', size: 9, mtimeMs: 1, skipped: 'generated' }, []);
    await idx.save(dir);
    const back = new LexicalIndex();
    assert.equal(await back.load(dir), true);
    assert.equal(back.query('widget config', 1)[0].id, 'a.ts#0');
    assert.deepEqual(back.file('a.ts'), { hash: 'abc', size: 10, mtimeMs: 5, ids: ['a.ts#0'] });
    assert.deepEqual(back.file('gen.js'), { hash: 'g', size: 9, mtimeMs: 1, ids: [], skipped: 'generated' });
    writeFileSync(join(dir, 'manifest.json'), '{"format":3,"segments":');
    const broken = new LexicalIndex();
    assert.equal(await broken.load(dir), false);
    assert.equal(broken.size, 0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves only what changed: a one-file update writes a small segment, merges keep few segments, reloads agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-lex-'));
    const idx = new LexicalIndex();
    for (let f = 0; f < 300; f++) idx.replace(`src/f${f}.ts`, { hash: `h${f}`, size: 1, mtimeMs: 1 }, [0, 1, 2].map((i) => chunk(`src/f${f}.ts`, i, `export function handler${f}x${i}() { return common${f % 7} + shared; }`, `handler${f}x${i}`)));
    await idx.save(dir);
    const sizes = () => readdirSync(dir).filter((n) => n.endsWith('.bin')).map((n) => statSync(join(dir, n)).size);
    const full = sizes().reduce((a, b) => a + b, 0);
    const before = new Set(readdirSync(dir));
    idx.replace('src/f5.ts', { hash: 'changed', size: 2, mtimeMs: 2 }, [chunk('src/f5.ts', 9, 'export function renamedHandler() { return zebra; }', 'renamedHandler')]);
    await idx.save(dir);
    const added = readdirSync(dir).filter((n) => !before.has(n) && n.endsWith('.bin'));
    assert.equal(added.length, 1, 'one new segment for one changed file');
    assert.ok(statSync(join(dir, added[0])).size * 20 < full, 'the new segment is a small fraction of the index');
    for (let round = 0; round < 40; round++) {
      idx.replace(`src/f${round}.ts`, { hash: `r${round}`, size: 3, mtimeMs: 3 }, [chunk(`src/f${round}.ts`, 0, `export const round${round} = zebra;`)]);
      await idx.save(dir);
    }
    assert.ok(sizes().length <= 8, `segments stay few (${sizes().length})`);
    const back = new LexicalIndex();
    assert.equal(await back.load(dir), true);
    assert.equal(back.size, idx.size);
    assert.deepEqual(back.query('zebra', 50).map((m) => m.id).sort(), idx.query('zebra', 50).map((m) => m.id).sort());
    assert.deepEqual(back.query('handler299x2', 1)[0].id, 'src/f299.ts#2');
    assert.equal(back.query('renamedHandler', 5).length, 0, 'the replaced version of f5 is gone after later replacements');
    rmSync(dir, { recursive: true, force: true });
  });

  it('ignores segment files no manifest names (a crash between writing a segment and the manifest)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-lex-'));
    const idx = new LexicalIndex();
    idx.replace('a.ts', stat, [chunk('a.ts', 0, 'alpha')]);
    await idx.save(dir);
    writeFileSync(join(dir, 'seg-orphan.bin'), 'half written');
    const back = new LexicalIndex();
    assert.equal(await back.load(dir), true);
    back.replace('b.ts', stat, [chunk('b.ts', 0, 'beta')]);
    await back.save(dir);
    assert.equal(readdirSync(dir).includes('seg-orphan.bin'), false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stems documents and queries alike and drops question wording', () => {
    for (const [a, b] of [['parse', 'parsing'], ['parsed', 'parses'], ['cookie', 'cookies'], ['cache', 'cached'], ['response', 'responses'], ['message', 'messages'], ['normalize', 'normalized'], ['queue', 'queued']]) {
      assert.deepEqual(analyze(a), analyze(b), `${a} ~ ${b}`);
    }
    assert.deepEqual(analyze('where is the code that handles cookies?'), analyze('handle cookie'));
    const idx = new LexicalIndex();
    idx.replace('q.ts', stat, [chunk('q.ts', 0, 'function enqueueMessages(queued) {}')]);
    assert.equal(idx.query('how are messages queued', 1)[0]?.id, 'q.ts#0');
  });

  it('keeps the k best of many matches, best first', () => {
    const out = topK(Array.from({ length: 1000 }, (_, i) => i), (i) => (i * 7919) % 1000, 5);
    assert.deepEqual(out.map((o) => o.score), [999, 998, 997, 996, 995]);
  });
});

describe('rag reciprocal rank fusion', () => {
  it('sums 1/(k+rank) and keeps both ranks and scores', () => {
    const fused = reciprocalRankFusion(
      [{ id: 'a', score: 9 }, { id: 'b', score: 5 }],
      [{ id: 'b', score: 0.9 }, { id: 'c', score: 0.8 }],
      60,
    );
    assert.deepEqual(fused.map((f) => f.id), ['b', 'a', 'c']);
    assert.deepEqual(fused[0], { id: 'b', score: 1 / 62 + 1 / 61, lexicalRank: 2, lexicalScore: 5, vectorRank: 1, vectorScore: 0.9 });
    assert.equal(fused[1].vectorRank, undefined);
    assert.equal(fused[2].lexicalRank, undefined);
  });

  it('breaks score ties by the better single rank', () => {
    const fused = reciprocalRankFusion([{ id: 'x', score: 1 }], [{ id: 'y', score: 1 }]);
    assert.equal(fused[0].score, fused[1].score);
    assert.deepEqual(fused.map((f) => f.id), ['x', 'y']);
  });
});

describe('rag weighted fusion and per-file cap', () => {
  const lex = (ids: string[], scores: number[]) => ids.map((id, i) => ({ id, score: scores[i] }));
  const vec = (ids: string[]) => ids.map((id, i) => ({ id, score: 1 - i / 10 }));

  it('keeps lexical leaders in front when BM25 is confident, whatever the vectors say', () => {
    const fused = weightedFusion(lex(['a', 'b', 'c', 'd', 'e'], [20, 3, 2.9, 2.8, 2.7]), vec(['x', 'y', 'c', 'z']));
    assert.equal(fused[0].id, 'a');
    const equal = reciprocalRankFusion(lex(['a', 'b', 'c', 'd', 'e'], [20, 3, 2.9, 2.8, 2.7]), vec(['x', 'y', 'c', 'z']));
    assert.notEqual(equal[0].id, 'a', 'plain RRF would have buried it (the case the guard is for)');
  });

  it('lets the vectors reorder when BM25 scores are flat, with the lexical side weighted higher', () => {
    const fused = weightedFusion(lex(['a', 'b', 'c', 'd', 'e'], [3, 2.9, 2.8, 2.7, 2.6]), vec(['c', 'x']));
    assert.equal(fused[0].id, 'c');
    const tie = weightedFusion(lex(['a'], [1]), vec(['x']));
    assert.deepEqual(tie.map((f) => f.id), ['a', 'x']);
  });

  it('caps chunks per file among the first hits and keeps the rest after them', () => {
    const items = ['big#1', 'big#2', 'big#3', 'small#1', 'big#4', 'other#1'];
    assert.deepEqual(capPerFile(items, (i) => i.split('#')[0], 2), ['big#1', 'big#2', 'small#1', 'other#1', 'big#3', 'big#4']);
  });
});

describe('rag naming and status', () => {
  it('uses one valid Chroma collection per workspace and embedding model', () => {
    const a = collectionName('/w/one', 'openai/text-embedding-3-small');
    assert.match(a, /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$/);
    assert.notEqual(a, collectionName('/w/one', 'openai/text-embedding-3-large'));
    assert.notEqual(a, collectionName('/w/two', 'openai/text-embedding-3-small'));
    assert.equal(a, collectionName('/w/one', 'openai/text-embedding-3-small'));
  });

  it('shows indexing progress, lexical-only with its reason, and errors', () => {
    assert.equal(ragStatusView({ kind: 'indexing', done: 3, total: 10 }).text, '$(sync~spin) Indexing 3/10');
    const lex = ragStatusView({ kind: 'ready', files: 2, chunks: 5, mode: 'lexical-only', reason: 'no embedding model is configured' });
    assert.equal(lex.text, '$(database) Index: lexical-only');
    assert.match(lex.tooltip, /Lexical-only because no embedding model is configured/);
    assert.equal(ragStatusView({ kind: 'error', message: 'boom' }).error, true);
    assert.equal(relativeInside('/w/p', '/w/p/src/a.ts'), 'src/a.ts');
    assert.equal(relativeInside('/w/p', '/w/pq/a.ts'), undefined);
  });
});

describe('rag snippets for inline completion', () => {
  it('queries the identifiers nearest the cursor, without keywords', () => {
    const prefix = 'import { a } from "x";\nconst total = computeInvoiceTotal(lines);\nreturn formatMoney(total';
    assert.equal(snippetQuery(prefix), 'formatMoney total computeInvoiceTotal lines');
  });

  it('asks the lexical retriever only and skips chunks of the current file', async () => {
    const seen: SearchOptions[] = [];
    const search = async (_q: string, o?: SearchOptions): Promise<SearchResponse> => {
      seen.push(o ?? {});
      return { mode: 'hybrid', hits: [chunk('src/a.ts', 0, 'self'), chunk('src/money.ts', 0, 'export function formatMoney() {}'), chunk('src/b.ts', 1, 'other')].map((c, i) => ({ chunk: c, score: 1 / (i + 1) })) };
    };
    const out = await completionSnippets(search, { filepath: '/home/u/proj/src/a.ts', prefix: 'formatMoney(' }, undefined, { k: 2 });
    assert.deepEqual(out.map((s) => s.filepath), ['src/money.ts', 'src/b.ts']);
    assert.equal(out[0].kind, 'index');
    assert.equal(seen[0].retrievers, 'lexical');
  });
});
