/** `switchyard index`: builds or refreshes the workspace index; progress on stderr, one summary JSON on stdout. */
import { describeSkipped } from '../../core/rag/skippedText';
import type { CliCommand } from '../types';
import { parseCommandArgs, write } from '../util';
import { openCliRag, withSigint, workspaceDir } from './ragShared';

const usage = 'index [--dir D] [--rebuild] [--config F]   build/refresh the code index of D (default: .)';

export const command: CliCommand = {
  name: 'index',
  usage,
  async run(argv, io, loadCore) {
    const { values } = parseCommandArgs('index', argv, {
      dir: { type: 'string' },
      rebuild: { type: 'boolean', default: false },
      config: { type: 'string' },
    });
    const root = workspaceDir(values.dir, io);
    const core = await loadCore(values.config);
    const rag = openCliRag(core, root, io);
    const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
    let lastLine = 0;
    try {
      // Said once: at the start, and again at the end only when the reason changed meanwhile.
      const announced = rag.index.mode === 'lexical-only' ? rag.index.lexicalOnlyReason : undefined;
      if (announced !== undefined) io.stderr.write(`switchyard index: lexical-only — ${announced}\n`);
      const summary = await withSigint((signal) =>
        rag.index.index({
          signal,
          rebuild: values.rebuild,
          onProgress: (p) => {
            if (p.phase !== 'index') return;
            const line = `indexing ${p.done}/${p.total} ${p.path ?? ''}`;
            if (tty) io.stderr.write(`\r${line.slice(0, 100).padEnd(100)}`);
            else if (p.done === p.total || Date.now() - lastLine > 1000) {
              lastLine = Date.now();
              io.stderr.write(`${line}\n`);
            }
          },
        }),
      );
      if (tty) io.stderr.write('\n');
      const vectors = await rag.index.vectorCount();
      await write(io.stdout, `${JSON.stringify({ root, ...summary, vectors: vectors ?? null, collection: rag.collection ?? null })}\n`);
      const skipped = describeSkipped(summary.skipped);
      if (skipped) io.stderr.write(`switchyard index: not indexed: ${skipped}\n`);
      if (summary.mode === 'lexical-only' && summary.reason && summary.reason !== announced) io.stderr.write(`switchyard index: lexical-only — ${summary.reason}\n`);
      return summary.cancelled ? 130 : 0;
    } finally {
      await rag.dispose();
    }
  },
};

