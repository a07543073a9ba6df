/**
 * What changed in one walked file since the index last saw it: unchanged (by stat, as git trusts it,
 * or by content hash), gone, to be left out (binary, too large, generated) or changed, with its
 * text. Reads run a few files ahead so file-system latency overlaps the chunker's CPU work.
 */
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { generatedReason } from '../walk/generated';
import { HARD_MAX_FILE_BYTES, looksBinary } from '../walk/walker';
import type { LexicalFileEntry } from '../store/lexicalIndex';
import type { WalkedFile } from '../types';

export type FileChange =
  /** Same stat as last time, and left out last time: stays left out without a read. */
  | { kind: 'stillSkipped'; reason: string }
  /** Deleted or made unreadable while the run went on. */
  | { kind: 'vanished' }
  /** Same content; `restat` when only its size or mtime changed. */
  | { kind: 'unchanged'; restat: boolean }
  /** New content that is not indexed (binary, too large, generated). */
  | { kind: 'leftOut'; hash: string; reason: string }
  /** Content to chunk; `embed` when its vectors are missing or were made from other content. */
  | { kind: 'changed'; hash: string; text: string; embed: boolean };

export interface KnownFile {
  /** The lexical index's entry for the file. */
  lexical?: LexicalFileEntry;
  /** Whether vectors are kept, and the content hash the file's vectors were made from. */
  vectors: { wanted: boolean; hash?: string };
}

/** Decides what to do with `file`; `read` returns its bytes (undefined when it is gone). */
export async function examineFile(file: WalkedFile, known: KnownFile, read: () => Promise<Buffer | undefined>, keepGenerated = false): Promise<FileChange> {
  const lexical = known.lexical;
  const sameStat = !!lexical && lexical.size === file.size && lexical.mtimeMs === file.mtimeMs;
  if (sameStat && lexical.skipped) return { kind: 'stillSkipped', reason: lexical.skipped };
  let buf: Buffer | undefined;
  let hash = sameStat ? lexical.hash : undefined;
  if (!hash) {
    buf = await read();
    if (!buf) return { kind: 'vanished' };
    hash = createHash('sha256').update(buf).digest('hex');
  }
  const lexicalFresh = lexical?.hash === hash;
  const vectorsFresh = !known.vectors.wanted || known.vectors.hash === hash;
  if (lexicalFresh && vectorsFresh) return { kind: 'unchanged', restat: !sameStat };
  buf ??= await read();
  if (!buf) return { kind: 'vanished' };
  const reason = looksBinary(buf.subarray(0, 8000)) ? 'binary' : buf.length > HARD_MAX_FILE_BYTES ? 'tooLarge' : keepGenerated ? undefined : generatedReason(buf);
  if (reason) return { kind: 'leftOut', hash, reason };
  return { kind: 'changed', hash, text: buf.toString('utf8'), embed: !vectorsFresh };
}

/** Files read ahead of the one being chunked. */
const READ_AHEAD = 8;

/** Reads the files of a run a few ahead of the one being examined. */
export class ReadAhead {
  private readonly reads = new Map<number, Promise<Buffer | undefined>>();

  /** `mayChange`: whether a file's stat differs from the index's (others are not read ahead). */
  constructor(
    private readonly files: WalkedFile[],
    private readonly mayChange: (file: WalkedFile) => boolean,
  ) {}

  /** Starts the reads after `index` and returns the reader of file `index`. */
  readerFor(index: number): () => Promise<Buffer | undefined> {
    for (let ahead = index + 1; ahead < Math.min(this.files.length, index + READ_AHEAD); ahead++) {
      if (this.reads.has(ahead) || !this.mayChange(this.files[ahead])) continue;
      const read = readBounded(this.files[ahead].absPath);
      read.catch(() => undefined);
      this.reads.set(ahead, read);
    }
    const own = this.reads.get(index);
    this.reads.delete(index);
    const absPath = this.files[index].absPath;
    return () => own ?? readBounded(absPath);
  }
}

/** The file's bytes, at most HARD_MAX_FILE_BYTES + 1 of them (enough to know it is too large); undefined when it is gone or unreadable. */
async function readBounded(absPath: string): Promise<Buffer | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(absPath, 'r');
    const st = await handle.stat();
    const size = Math.min(st.size, HARD_MAX_FILE_BYTES + 1);
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(buf, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read < size ? buf.subarray(0, read) : buf;
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
