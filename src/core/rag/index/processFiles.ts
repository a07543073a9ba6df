/**
 * The indexing pass over walked files: each changed file is chunked into the lexical index at once,
 * and its chunks are embedded and stored in batches; unchanged files cost a stat, not a read.
 */
import type { Chunker } from '../chunk/chunker';
import type { LexicalIndex } from '../store/lexicalIndex';
import type { IndexProgress, IndexState, IndexSummary, WalkedFile } from '../types';
import { examineFile, ReadAhead } from './changes';
import { countSkip, RunProgress } from './report';
import type { PendingFile, VectorSync } from './vectorSync';

export interface ProcessContext {
  lexical: LexicalIndex;
  /** The vector side, when the index keeps vectors. */
  vectors?: VectorSync;
  chunker: Chunker;
  /** Forgets files in both the lexical index and the vector store. */
  purge(paths: string[]): Promise<void>;
  /** Saves the lexical index (a checkpoint an interrupted run resumes from). */
  saveLexical(): Promise<void>;
  setState(s: IndexState): void;
  now(): number;
  /** Chunks per embedding batch (default 128). */
  embedBatch?: number;
  /** Lexical checkpoint interval (default 10 s). */
  checkpointMs?: number;
  /** Evaluation only: index generated-looking files too. */
  keepGenerated?: boolean;
}

/** Indexes `files`, counting outcomes into `summary`. Throws on abort; what was finished is kept. */
export async function processFiles(ctx: ProcessContext, files: WalkedFile[], summary: IndexSummary, signal?: AbortSignal, onProgress?: (p: IndexProgress) => void): Promise<void> {
  const { lexical, vectors } = ctx;
  const batches = vectors ? new EmbedBatches(vectors, ctx.embedBatch ?? 128, signal) : undefined;
  const progress = new RunProgress(files.length, ctx.setState, onProgress);
  const reads = new ReadAhead(files, (f) => {
    const known = lexical.stat(f.path);
    return !known || known.size !== f.size || known.mtimeMs !== f.mtimeMs;
  });
  let lastCheckpoint = ctx.now();
  for (let index = 0; index < files.length; index++) {
    signal?.throwIfAborted();
    const file = files[index];
    const read = reads.readerFor(index);
    const lexicalEntry = lexical.file(file.path);
    const vectorEntry = vectors?.entry(file.path);
    const change = await examineFile(file, { lexical: lexicalEntry, vectors: { wanted: !!vectors?.available, hash: vectorEntry?.hash } }, read, ctx.keepGenerated);
    switch (change.kind) {
      case 'stillSkipped':
        countSkip(summary, change.reason);
        summary.filesUnchanged++;
        progress.passed();
        continue;
      case 'vanished':
        summary.skipped.vanished++;
        if (lexicalEntry || vectorEntry) await ctx.purge([file.path]); // forget it, go on with the rest
        progress.passed();
        continue;
      case 'leftOut':
        // Kept as an entry without chunks, so the next run skips it without reading it.
        lexical.replace(file.path, { hash: change.hash, size: file.size, mtimeMs: file.mtimeMs, skipped: change.reason }, []);
        if (vectorEntry) await vectors?.purge([file.path]).catch(() => undefined);
        countSkip(summary, change.reason);
        progress.passed();
        continue;
      case 'unchanged':
        if (change.restat) lexical.replaceStat(file.path, file.size, file.mtimeMs);
        summary.filesUnchanged++;
        break;
      case 'changed': {
        const chunks = await ctx.chunker.chunk(file.path, change.text);
        lexical.replace(file.path, { hash: change.hash, size: file.size, mtimeMs: file.mtimeMs }, chunks);
        summary.filesIndexed++;
        summary.chunksIndexed += chunks.length;
        if (change.embed && vectors && batches) {
          if (chunks.length === 0) await vectors.recordEmpty(file.path, change.hash);
          else batches.add({ path: file.path, hash: change.hash, chunks });
        }
        break;
      }
    }
    if (batches?.full) summary.chunksEmbedded += await batches.flush();
    progress.finished(file.path);
    if (ctx.now() - lastCheckpoint > (ctx.checkpointMs ?? 10_000)) {
      await ctx.saveLexical();
      lastCheckpoint = ctx.now();
    }
  }
  if (batches) summary.chunksEmbedded += await batches.flush();
}

/** Changed files' chunks, embedded and stored a batch at a time. */
class EmbedBatches {
  private pending: PendingFile[] = [];
  private pendingChunks = 0;

  constructor(
    private readonly vectors: VectorSync,
    private readonly limit: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  add(file: PendingFile): void {
    this.pending.push(file);
    this.pendingChunks += file.chunks.length;
  }

  get full(): boolean {
    return this.pendingChunks >= this.limit;
  }

  /** Embeds and stores what is pending; returns the chunks stored (0 while vectors are unusable). */
  async flush(): Promise<number> {
    // While the vector side is degraded the batch waits; the next run embeds what is missing.
    if (this.pending.length === 0 || !this.vectors.available) return 0;
    const batch = this.pending;
    this.pending = [];
    this.pendingChunks = 0;
    return this.vectors.store(batch, this.signal);
  }
}
