/**
 * RAG figures on a real codebase (the axios package, copied to a temp folder, dist/ excluded):
 * full indexing throughput (files/s, chunks/s) lexical-only and hybrid (embeddings through the
 * router + openai SDK to the fake provider, vectors into a supervised local Chroma), incremental
 * re-index after a one-file change, a no-change re-index, query latency p50/p95, the Chroma
 * server's RSS, and retrieval quality (recall@5, MRR) on test/eval/axios-questions.json.
 * The fake embeddings are a hashed bag of words, not a semantic model: vector and hybrid quality
 * figures check the pipeline only; lexical quality is real.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/core/config/schema';
import { silentLogger } from '../src/core/logger';
import { openWorkspaceRag } from '../src/core/rag/workspace';
import { startFakeServer } from '../test/support/fakeServer';
import { createTestCore } from '../test/support/testCore';
import { corpusRoot, loadEvalSet, rankFiles, score } from '../test/eval/retrievalEval';
import { summarize } from './stats';

function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null; // not Linux
  }
}

const round = (x: number, d = 1) => Number(x.toFixed(d));

export async function benchRag(): Promise<Record<string, unknown>> {
  const fake = await startFakeServer({ embeddingDim: 1536 });
  const tmp = mkdtempSync(join(tmpdir(), 'switchyard-bench-rag-'));
  const ws = join(tmp, 'axios');
  cpSync(corpusRoot(), ws, { recursive: true });
  const set = loadEvalSet();
  let disposeCore = async () => {};
  try {
    const core = await createTestCore({
      providers: { oa: { kind: 'openai', baseUrl: fake.openaiBaseUrl } },
      models: { small: { provider: 'oa', id: 'text-embedding-3-small' } },
      routes: { embedding: ['small'] },
      rag: { exclude: set.exclude },
    }, join(tmp, 'data'), 'sk-bench');
    const { config, router } = core;
    disposeCore = () => core.dispose();

    // Lexical-only: no embedding route.
    const lexRag = openWorkspaceRag({ root: ws, storageDir: join(tmp, 'lex'), config: parseConfig({ rag: { exclude: set.exclude } }), logger: silentLogger });
    const lexFull = await lexRag.index.index();
    const lexLatency: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (const q of set.questions) {
        const t = performance.now();
        await lexRag.index.search(q.q, { k: 10 });
        lexLatency.push(performance.now() - t);
      }
    }
    await lexRag.dispose();

    // Hybrid through the router and a supervised Chroma.
    const rag = openWorkspaceRag({ root: ws, storageDir: join(tmp, 'hybrid'), config, logger: silentLogger, router });
    const t0 = performance.now();
    await rag.supervisor?.start();
    const chromaStartMs = performance.now() - t0;
    const full = await rag.index.index();
    const embedCalls = fake.requests.filter((r) => r.endpoint === 'embeddings').length;
    const unchanged = await rag.index.index();
    appendFileSync(join(ws, 'lib/helpers/combineURLs.js'), '\nexport function benchAddedHelper(a, b) {\n  return a + b;\n}\n');
    const incremental = await rag.index.index();

    const hybridLatency: number[] = [];
    const rankings = { lexical: [] as string[][], vector: [] as string[][], hybrid: [] as string[][] };
    for (const q of set.questions) {
      for (const r of ['lexical', 'vector', 'hybrid'] as const) {
        const t = performance.now();
        const res = await rag.index.search(q.q, { k: 30, retrievers: r });
        if (r === 'hybrid') hybridLatency.push(performance.now() - t);
        rankings[r].push(rankFiles(res.hits.map((h) => h.chunk.path)));
      }
    }
    for (let round = 0; round < 2; round++) {
      for (const q of set.questions) {
        const t = performance.now();
        await rag.index.search(q.q, { k: 10 });
        hybridLatency.push(performance.now() - t);
      }
    }
    const chromaRssMb = rssMb(rag.supervisor?.pid);
    const vectors = await rag.index.vectorCount();
    await rag.dispose();

    const perSec = (n: number, ms: number) => round(n / (ms / 1000));
    return {
      corpus: { package: `axios@${JSON.parse(readFileSync(join(ws, 'package.json'), 'utf8')).version}`, files: full.filesSeen, chunks: full.totalChunks, vectors, excluded: set.exclude },
      indexLexicalOnly: { ms: Math.round(lexFull.durationMs), filesPerSec: perSec(lexFull.filesSeen, lexFull.durationMs), chunksPerSec: perSec(lexFull.totalChunks, lexFull.durationMs) },
      indexHybrid: {
        ms: Math.round(full.durationMs), filesPerSec: perSec(full.filesSeen, full.durationMs), chunksPerSec: perSec(full.totalChunks, full.durationMs),
        embeddingRequests: embedCalls, embeddingDim: 1536, note: 'embeddings from the local fake provider through router + openai SDK (no model latency)',
      },
      chromaStartMs: Math.round(chromaStartMs),
      reindexNoChangeMs: Math.round(unchanged.durationMs),
      reindexOneFileChange: { ms: Math.round(incremental.durationMs), filesIndexed: incremental.filesIndexed, chunksEmbedded: incremental.chunksEmbedded },
      queryLatencyMs: { lexicalOnly: summarize(lexLatency), hybrid: summarize(hybridLatency) },
      chromaServerRssMb: chromaRssMb,
      quality: {
        questions: set.questions.length,
        lexical: score(set.questions, rankings.lexical),
        vector: score(set.questions, rankings.vector),
        hybrid: score(set.questions, rankings.hybrid),
        note: 'vector/hybrid use the fake hashed bag-of-words embedding: a pipeline check, not a measure of semantic retrieval',
      },
    };
  } finally {
    await disposeCore();
    await fake.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchRag().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`), (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
