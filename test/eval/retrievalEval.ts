/**
 * Retrieval quality on a real codebase: indexes the axios package (a devDependency) and scores
 * the questions in axios-questions.json. Metrics are per file (chunks of one file count once):
 * recall@5 = share of a question's answer files among the top 5 files, averaged; MRR = mean of
 * 1 / rank of the first answer file (0 when none is in the top 10).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/core/config/schema';
import type { Logger } from '../../src/core/logger';
import { silentLogger } from '../../src/core/logger';
import { openWorkspaceRag, type WorkspaceRag, type WorkspaceRagOptions } from '../../src/core/rag/workspace';
import type { Embedder, IndexSummary } from '../../src/core/rag/types';

export interface EvalQuestion {
  q: string;
  files: string[];
  /** A fixed stand-in for a model's query rewrite (served by the fake provider in the bench). */
  rewrite?: string;
}

export interface EvalSet {
  /** npm package the questions are about (installed in node_modules). */
  corpus: string;
  /** Folder inside the package that is indexed ('' = the package). */
  root?: string;
  exclude: string[];
  questions: EvalQuestion[];
}

/** The question sets: axios (written with the index), semver and zod (written for issue 14, worded the way users ask). */
export const EVAL_SETS = ['axios', 'semver', 'zod'] as const;
export type EvalSetName = (typeof EVAL_SETS)[number];

export interface Scores {
  recallAt5: number;
  mrr: number;
  /** Questions with at least one answer file in the top 5. */
  hitAt5: number;
}

export function loadEvalSet(name: EvalSetName = 'axios'): EvalSet {
  return JSON.parse(readFileSync(join(__dirname, `${name}-questions.json`), 'utf8')) as EvalSet;
}

/** The indexed folder of a set's package (node_modules/<corpus>/<root>). */
export function corpusRoot(set?: EvalSet): string {
  const pkg = set?.corpus ?? 'axios';
  return join(__dirname, '..', '..', 'node_modules', pkg, set?.root ?? '');
}

/** Ranked unique files from ranked chunk paths. */
export function rankFiles(paths: string[]): string[] {
  return [...new Set(paths)];
}

/** Average number of distinct files among the first 5 chunks (per-file diversity). */
export function distinctFilesAt5(chunkPaths: string[][]): number {
  return chunkPaths.reduce((n, paths) => n + new Set(paths.slice(0, 5)).size, 0) / Math.max(1, chunkPaths.length);
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
export async function runRetrievalEval(opts: {
  storageDir: string;
  embedder?: Embedder;
  logger?: Logger;
  keepOpen?: boolean;
  set?: EvalSetName;
  evaluation?: WorkspaceRagOptions['evaluation'];
  maxPerFile?: number;
  /** Rewrites each question before retrieval (the chat path's query rewriting). */
  rewrite?: (q: string) => Promise<string>;
}): Promise<EvalRun & { rag?: WorkspaceRag; distinctFilesAt5: number }> {
  const set = loadEvalSet(opts.set);
  const rag = openWorkspaceRag({
    root: corpusRoot(set),
    storageDir: opts.storageDir,
    config: parseConfig({ rag: { exclude: set.exclude } }),
    logger: opts.logger ?? silentLogger,
    embedder: opts.embedder,
    evaluation: opts.evaluation,
  });
  try {
    const index = await rag.index.index();
    const chunkPaths: string[][] = [];
    const rankings = async (retrievers: 'lexical' | 'vector' | 'hybrid') => {
      const out: string[][] = [];
      for (const q of set.questions) {
        const query = opts.rewrite ? await opts.rewrite(q.q) : q.q;
        const res = await rag.index.search(query, { k: 30, retrievers, maxPerFile: opts.maxPerFile });
        out.push(rankFiles(res.hits.map((h) => h.chunk.path)));
        if (retrievers === 'lexical') chunkPaths.push(res.hits.map((h) => h.chunk.path));
      }
      return out;
    };
    const run: EvalRun & { distinctFilesAt5: number } = { questions: set.questions.length, index, lexical: score(set.questions, await rankings('lexical')), distinctFilesAt5: 0 };
    run.distinctFilesAt5 = Number(distinctFilesAt5(chunkPaths).toFixed(2));
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
