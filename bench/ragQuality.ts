/**
 * Retrieval quality, lexical, on three codebases from the npm registry (axios, semver, zod; their
 * question sets in test/eval), before the issue-14 changes and with each one added in turn:
 * Porter2 stemming + fuller stop words, skipping generated files, the per-file cap (shown as
 * distinct files among the top 5 chunks; file-level recall/MRR cannot change with it), and query
 * rewriting through the real router and openai SDK (the fake provider answers each question with
 * the set's fixed `rewrite`). Metrics per file: recall@5, MRR@10, hit@5.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryRewriter } from '../src/core/rag/retrieve/queryRewrite';
import { silentLogger } from '../src/core/logger';
import { EVAL_SETS, loadEvalSet, runRetrievalEval, type EvalSetName } from '../test/eval/retrievalEval';
import { startFakeServer } from '../test/support/fakeServer';
import { createTestCore } from '../test/support/testCore';

const r2 = (x: number) => Number(x.toFixed(2));

export async function benchRagQuality(): Promise<Record<string, unknown>> {
  const fake = await startFakeServer();
  const tmp = mkdtempSync(join(tmpdir(), 'switchyard-bench-quality-'));
  const core = await createTestCore({
    providers: { local: { kind: 'openai-compatible', baseUrl: fake.openaiBaseUrl } },
    models: { chatty: { provider: 'local', id: 'local-chat' } },
    routes: { chat: ['chatty'] },
  }, join(tmp, 'data'));
  try {
    const out: Record<string, unknown> = {};
    for (const name of EVAL_SETS) {
      const set = loadEvalSet(name);
      const rewrites = new Map(set.questions.filter((q) => q.rewrite).map((q) => [q.q, q.rewrite!]));
      fake.setDefault('local-chat', (req) => {
        const messages = (req.body as { messages?: { role: string; content: string }[] }).messages ?? [];
        return { type: 'text', text: rewrites.get(messages.at(-1)?.content ?? '') ?? '' };
      });
      const rewriter = new QueryRewriter({ core: () => core, logger: silentLogger });
      const steps: [string, Parameters<typeof runRetrievalEval>[0]['evaluation'], number, boolean][] = [
        ['before (light suffix stripping, generated files kept, no per-file cap)', { legacyAnalysis: true, keepGenerated: true }, 0, false],
        ['+ Porter2 stemmer and stop words', { keepGenerated: true }, 0, false],
        ['+ skip generated files', {}, 0, false],
        ['+ at most 2 chunks per file first', {}, 2, false],
      ];
      if (rewrites.size > 0) steps.push(['+ query rewriting (fixed rewrite from the fake provider)', {}, 2, true]);
      const rows = [];
      for (const [label, evaluation, maxPerFile, rewrite] of steps) {
        const storageDir = mkdtempSync(join(tmp, `${name}-`));
        const run = await runRetrievalEval({ storageDir, set: name as EvalSetName, evaluation, maxPerFile, rewrite: rewrite ? (q) => rewriter.rewrite(q) : undefined });
        rows.push({ step: label, recallAt5: r2(run.lexical.recallAt5), mrr: r2(run.lexical.mrr), hitAt5: r2(run.lexical.hitAt5), distinctFilesInTop5Chunks: run.distinctFilesAt5, files: run.index.filesSeen, generatedSkipped: run.index.skipped.generated });
        rmSync(storageDir, { recursive: true, force: true });
      }
      out[name] = { questions: set.questions.length, corpus: `${set.corpus}${set.root ? `/${set.root}` : ''}`, rows };
    }
    return out;
  } finally {
    await core.dispose();
    await fake.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchRagQuality().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`), (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
