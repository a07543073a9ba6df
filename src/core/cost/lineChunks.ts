/** Reads a JSONL file's lines a chunk at a time from a byte offset, with the offset reached. */
import { open, type FileHandle } from 'node:fs/promises';

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1 << 20;

export interface LineChunk {
  lines: string[];
  /** Byte offset just past the last line of this chunk. */
  endOffset: number;
}

/**
 * The lines from byte `from` on, one chunk (about 1 MB) at a time. With `includeTail`, an
 * unterminated last line is yielded too (a reader wants it; the totals index leaves it, as another
 * process may be writing it right now). A missing file has no lines.
 */
export async function* lineChunks(path: string, from: number, includeTail: boolean): AsyncGenerator<LineChunk> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    let position = from;
    let carry: Buffer | undefined;
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      let data = buffer.subarray(0, bytesRead);
      if (carry) data = Buffer.concat([carry, data]);
      const last = data.lastIndexOf(NEWLINE);
      if (last < 0) {
        carry = Buffer.from(data);
        continue;
      }
      carry = last + 1 < data.length ? Buffer.from(data.subarray(last + 1)) : undefined;
      yield { lines: data.toString('utf8', 0, last).split('\n'), endOffset: position - (carry?.length ?? 0) };
    }
    if (carry && includeTail) yield { lines: [carry.toString('utf8')], endOffset: position };
  } finally {
    await handle.close();
  }
}

