/**
 * Retrieval quality on a real codebase: indexes the axios package (a devDependency) and scores
 * the questions in axios-questions.json. Metrics are per file (chunks of one file count once):
 * recall@5 = share of a question's answer files among the top 5 files, averaged; MRR = mean of
 * 1 / rank of the first answer file (0 when none is in the top 10).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseConfig } from '../../src/core/config/schema';
import type { Logger } from '../../src/core/logger';
import { silentLogger } from '../../src/core/logger';
import { openWorkspaceRag, type WorkspaceRag } from '../../src/core/rag/workspace';
import type { Embedder, IndexSummary } from '../../src/core/rag/types';

export interface EvalQuestion {
  q: string;
  files: string[];
}

export interface EvalSet {
  corpus: string;
  exclude: string[];
  questions: EvalQuestion[];
}

export interface Scores {
  recallAt5: number;
  mrr: number;
  /** Questions with at least one answer file in the top 5. */
  hitAt5: number;
}

export function loadEvalSet(): EvalSet {
  return JSON.parse(readFileSync(join(__dirname, 'axios-questions.json'), 'utf8')) as EvalSet;
}

export function corpusRoot(): string {
  return dirname(require.resolve('axios/package.json'));
}

/** Ranked unique files from ranked chunk paths. */
export function rankFiles(paths: string[]): string[] {
  return [...new Set(paths)];
}

export function score(questions: EvalQuestion[], rankings: string[][]): Scores {
  let recall = 0;
  let rr = 0;
  let hits = 0;
  questions.forEach((q, i) => {
    const files = rankings[i];
    const top5 = files.slice(0, 5);
    const found = q.files.filter((f) => top5.includes(f)).length;
    recall += found / q.files.length;
    if (found > 0) hits++;
    const first = files.slice(0, 10).findIndex((f) => q.files.includes(f));
    rr += first >= 0 ? 1 / (first + 1) : 0;
  });
  const n = questions.length;
  return { recallAt5: recall / n, mrr: rr / n, hitAt5: hits / n };
}

export interface EvalRun {
  questions: number;
  index: IndexSummary;
  lexical: Scores;
  vector?: Scores;
  hybrid?: Scores;
}

/** Indexes the corpus into `storageDir` and scores each retriever. Without an embedder: lexical only. */
export async function runRetrievalEval(opts: { storageDir: string; embedder?: Embedder; logger?: Logger; keepOpen?: boolean }): Promise<EvalRun & { rag?: WorkspaceRag }> {
  const set = loadEvalSet();
  const rag = openWorkspaceRag({
    root: corpusRoot(),
    storageDir: opts.storageDir,
    config: parseConfig({ rag: { exclude: set.exclude } }),
    logger: opts.logger ?? silentLogger,
    embedder: opts.embedder,
  });
  try {
    const index = await rag.index.index();
    const rankings = async (retrievers: 'lexical' | 'vector' | 'hybrid') => {
      const out: string[][] = [];
      for (const q of set.questions) {
        const res = await rag.index.search(q.q, { k: 30, retrievers });
        out.push(rankFiles(res.hits.map((h) => h.chunk.path)));
      }
      return out;
    };
    const run: EvalRun = { questions: set.questions.length, index, lexical: score(set.questions, await rankings('lexical')) };
    if (index.mode === 'hybrid') {
      run.vector = score(set.questions, await rankings('vector'));
      run.hybrid = score(set.questions, await rankings('hybrid'));
    }
    if (opts.keepOpen) return { ...run, rag };
    return run;
  } finally {
    if (!opts.keepOpen) await rag.dispose();
  }
}
