/** `switchyard search "query"`: hybrid (BM25 + vector, RRF-fused) search of the workspace index. */
import type { CliCommand } from '../types';
import { parseCommandArgs, UsageError, write } from '../util';
import { openCliRag, withSigint, workspaceDir } from './ragShared';

const usage = 'search "query" [--dir D] [--k 10] [--retrievers hybrid|lexical|vector] [--json] [--config F]   search the code index of D (run `switchyard index` first)';

const RETRIEVERS = ['hybrid', 'lexical', 'vector'] as const;

export const command: CliCommand = {
  name: 'search',
  usage,
  async run(argv, io, loadCore) {
    const { values, positionals } = parseCommandArgs('search', argv, {
      dir: { type: 'string' },
      k: { type: 'string', default: '10' },
      retrievers: { type: 'string', default: 'hybrid' },
      json: { type: 'boolean', default: false },
      config: { type: 'string' },
    });
    const query = positionals.join(' ').trim();
    if (!query) throw new UsageError('no query. Usage: switchyard search "where are retries handled"');
    const k = Number(values.k);
    if (!Number.isInteger(k) || k < 1 || k > 200) throw new UsageError(`--k must be an integer from 1 to 200, got "${values.k}".`);
    const retrievers = RETRIEVERS.find((r) => r === values.retrievers);
    if (!retrievers) throw new UsageError(`--retrievers must be one of ${RETRIEVERS.join(', ')}, got "${values.retrievers}".`);
    const root = workspaceDir(values.dir, io);
    const core = await loadCore(values.config);
    const rag = openCliRag(core, root, io);
    try {
      if ((await rag.index.open()).files === 0) {
        io.stderr.write(`switchyard search: ${root} has no index yet. Run: switchyard index --dir ${JSON.stringify(root)}\n`);
        return 1;
      }
      if (retrievers === 'vector' && rag.index.mode !== 'hybrid') {
        io.stderr.write(`switchyard search: --retrievers vector needs vectors, but the index is lexical-only (${rag.index.lexicalOnlyReason}).\n`);
        return 1;
      }
      const res = await withSigint((signal) => rag.index.search(query, { k, signal, retrievers }));
      if (values.json) {
        await write(io.stdout, `${JSON.stringify({
          query, retrievers, mode: res.mode, ...(res.warning ? { warning: res.warning } : {}),
          hits: res.hits.map((h) => ({
            path: h.chunk.path, startLine: h.chunk.startLine, endLine: h.chunk.endLine, symbol: h.chunk.symbol || null, language: h.chunk.language,
            score: h.score, lexicalRank: h.lexicalRank ?? null, lexicalScore: h.lexicalScore ?? null, vectorRank: h.vectorRank ?? null, vectorScore: h.vectorScore ?? null,
            text: h.chunk.text,
          })),
        })}\n`);
      } else {
        if (res.warning) io.stderr.write(`switchyard search: ${res.warning}\n`);
        const lines = res.hits.map((h) => {
          const ranks = [h.lexicalRank ? `bm25#${h.lexicalRank}` : '', h.vectorRank ? `vec#${h.vectorRank}` : ''].filter(Boolean).join(' ');
          return `${h.score.toFixed(4)}  ${h.chunk.path}:${h.chunk.startLine}-${h.chunk.endLine}${h.chunk.symbol ? `  ${h.chunk.symbol}` : ''}  (${ranks})`;
        });
        await write(io.stdout, lines.length ? `${lines.join('\n')}\n` : 'no results\n');
      }
      return 0;
    } finally {
      await rag.dispose();
    }
  },
};
