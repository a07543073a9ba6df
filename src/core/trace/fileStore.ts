/**
 * The persistent trace store for the Traces tab: a JSONL file plus, in memory, only where each
 * trace's line is (id, offset, length) and the last few traces added. Bounded by count and bytes
 * (oldest evicted); the file is compacted when it grows past 2× the bound. Nothing is read at
 * construction: the first page() or find() indexes the file (line heads only, no parse), and a
 * trace is parsed only when it is asked for.
 */
import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { silentLogger, type Logger } from '../logger';
import { traceRecordSchema } from './store';
import type { TraceRecord, TraceStore } from './types';

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1 << 20;
/** Traces kept parsed in memory (the newest): the Traces tab usually asks for what just happened. */
const RECENT = 20;
/** The trace id at the head of a line (the record's first key; spans repeat the same id). */
const TRACE_ID = /"traceId":"([^"\\]+)"/;

interface Entry {
  traceId: string;
  offset: number;
  bytes: number;
}

export interface FileTraceStoreOptions {
  maxTraces: number;
  maxBytes: number;
  filePath: string;
  logger?: Logger;
}

export class FileTraceStore implements TraceStore {
  /** Oldest first; undefined until the file was indexed (lazily). */
  private entries: Entry[] | undefined;
  private totalBytes = 0;
  private readonly recent = new Map<string, TraceRecord>();
  private readonly listeners = new Set<(trace: TraceRecord) => void>();
  private readonly logger: Logger;
  private handle: FileHandle | undefined;
  /** File size after our last write or index: if the file is still this size, our index is complete. */
  private knownEnd = -1;
  private fileBytes = 0;
  private fileLines = 0;
  private writes: Promise<void> = Promise.resolve();
  /** close() was called: a late trace (a call that finished after dispose) closes the file again. */
  private closed = false;

  constructor(private readonly opts: FileTraceStoreOptions) {
    if (!(opts.maxTraces > 0) || !(opts.maxBytes > 0)) throw new Error('FileTraceStore: maxTraces and maxBytes must be positive (settings switchyard.trace.maxTraces / maxBytes).');
    this.logger = opts.logger ?? silentLogger;
  }

  /** New bounds apply from the next trace added (the file is compacted then if needed). */
  updateLimits(limits: { maxTraces: number; maxBytes: number }): void {
    if (limits.maxTraces > 0) this.opts.maxTraces = limits.maxTraces;
    if (limits.maxBytes > 0) this.opts.maxBytes = limits.maxBytes;
  }

  add(trace: TraceRecord): void {
    const line = JSON.stringify(trace);
    this.recent.delete(trace.traceId);
    this.recent.set(trace.traceId, trace);
    if (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value!);
    void this.enqueue(() => this.append(trace.traceId, line));
    for (const listener of [...this.listeners]) {
      try {
        listener(trace);
      } catch (e) {
        this.logger.error(`Trace listener failed: ${(e as Error).message}`);
      }
    }
  }

  onDidAdd(listener: (trace: TraceRecord) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Up to `limit` traces, newest first, skipping the `offset` newest. */
  async page(offset: number, limit: number): Promise<TraceRecord[]> {
    const entries = await this.indexed();
    const out: TraceRecord[] = [];
    for (let i = entries.length - 1 - offset; i >= 0 && out.length < limit; i--) {
      const trace = await this.read(entries[i]);
      if (trace) out.push(trace);
    }
    return out;
  }

  async find(traceId: string): Promise<TraceRecord | undefined> {
    const cached = this.recent.get(traceId);
    if (cached) return cached;
    const entries = await this.indexed();
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i].traceId === traceId) return this.read(entries[i]);
    return undefined;
  }

  /** Traces in the store (indexes the file if it was not yet). */
  async count(): Promise<number> {
    return (await this.indexed()).length;
  }

  /** Resolves when every pending file write has finished. */
  flush(): Promise<void> {
    return this.writes;
  }

  /** Finishes pending writes and closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writes;
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  /** Removes every trace (and truncates the file). */
  async clear(): Promise<void> {
    this.recent.clear();
    await this.enqueue(async () => {
      await this.closeHandle();
      const handle = await open(this.opts.filePath, 'w');
      await handle.close();
      this.entries = [];
      this.totalBytes = 0;
      this.fileBytes = 0;
      this.fileLines = 0;
      this.knownEnd = 0;
    });
  }

  private async indexed(): Promise<Entry[]> {
    await this.writes;
    let size = -1;
    try {
      size = (await (await this.openHandle()).stat()).size;
    } catch {
      // no file yet
    }
    if (!this.entries || size !== this.knownEnd) await this.enqueue(() => this.index());
    return this.entries ?? [];
  }

  /** The append handle; with `check`, reopened when the file it points to is no longer at the path. */
  private async openHandle(check = true): Promise<FileHandle> {
    if (this.handle && !check) return this.handle;
    if (this.handle) {
      const { nlink } = await this.handle.stat();
      if (nlink > 0) return this.handle;
      // Replaced (another window compacted it) or deleted: follow the path.
      await this.closeHandle();
      this.entries = undefined;
    }
    await mkdir(dirname(this.opts.filePath), { recursive: true });
    this.handle = await open(this.opts.filePath, 'a+');
    return this.handle;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  /** Appends one line; a file that does not end in "\n" (a torn line after a crash) gets one first. */
  private async append(traceId: string, line: string): Promise<void> {
    let handle = await this.openHandle(false);
    let stat = await handle.stat();
    if (stat.nlink === 0) {
      // Replaced (another window compacted it) or deleted: follow the path.
      await this.closeHandle();
      this.entries = undefined;
      handle = await this.openHandle(false);
      stat = await handle.stat();
    }
    const { size } = stat;
    let prefix = '';
    if (size > 0 && size !== this.knownEnd) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== NEWLINE) prefix = '\n';
    }
    const data = Buffer.from(`${prefix}${line}\n`, 'utf8');
    const { bytesWritten } = await handle.write(data, 0, data.length);
    if (bytesWritten < data.length) await handle.write(data, bytesWritten, data.length - bytesWritten);
    this.fileBytes = size + data.length;
    this.fileLines++;
    if (this.entries && size === this.knownEnd) {
      this.push({ traceId, offset: size + prefix.length, bytes: data.length - prefix.length - 1 });
      this.knownEnd = size + data.length;
    } else {
      this.entries = undefined; // someone else wrote too: index again when asked
    }
    if (this.fileLines > 2 * this.opts.maxTraces || this.fileBytes > 2 * this.opts.maxBytes) {
      // Never indexed (the Traces tab was not opened): index now, which compacts.
      if (!this.entries) await this.index();
      else await this.compact();
    }
  }

  private push(entry: Entry): void {
    const entries = this.entries!;
    const dup = entries.findIndex((e) => e.traceId === entry.traceId);
    if (dup >= 0) this.totalBytes -= entries.splice(dup, 1)[0].bytes;
    entries.push(entry);
    this.totalBytes += entry.bytes;
    // Evict oldest; the newest trace is always kept, even when it alone exceeds maxBytes.
    while (entries.length > 1 && (entries.length > this.opts.maxTraces || this.totalBytes > this.opts.maxBytes)) {
      this.totalBytes -= entries.shift()!.bytes;
    }
  }

  /** Finds every line's offset and trace id by scanning line heads; nothing is parsed. */
  private async index(): Promise<void> {
    this.entries = [];
    this.totalBytes = 0;
    this.fileLines = 0;
    let handle: FileHandle;
    try {
      handle = await this.openHandle();
    } catch {
      this.knownEnd = 0;
      return;
    }
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let position = 0;
    let lineStart = 0;
    let head = '';
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      let i = 0;
      while (i < bytesRead) {
        const nl = chunk.indexOf(NEWLINE, i);
        const end = nl < 0 ? bytesRead : nl;
        if (head.length < 200) head += chunk.toString('latin1', i, Math.min(end, i + 200 - head.length));
        if (nl < 0) break;
        const at = position + nl;
        this.fileLines++;
        const id = TRACE_ID.exec(head)?.[1];
        if (id && at > lineStart) this.push({ traceId: id, offset: lineStart, bytes: at - lineStart });
        lineStart = at + 1;
        head = '';
        i = nl + 1;
      }
      position += bytesRead;
    }
    // An unterminated last line is a torn write: not a trace.
    this.fileBytes = position;
    this.knownEnd = position;
    if (this.fileLines > 2 * this.opts.maxTraces || this.fileBytes > 2 * this.opts.maxBytes) await this.compact();
  }

  /** Parses one stored trace; a torn, invalid or moved line is skipped (and the index redone later). */
  private async read(entry: Entry): Promise<TraceRecord | undefined> {
    const cached = this.recent.get(entry.traceId);
    if (cached) return cached;
    const handle = await this.openHandle();
    const buf = Buffer.alloc(entry.bytes);
    await handle.read(buf, 0, entry.bytes, entry.offset);
    try {
      const parsed = traceRecordSchema.safeParse(JSON.parse(buf.toString('utf8')));
      if (parsed.success && parsed.data.traceId === entry.traceId) return parsed.data as TraceRecord;
    } catch {
      // fall through
    }
    this.logger.warn(`Trace file ${this.opts.filePath}: skipped an unreadable trace (${entry.traceId}).`);
    return undefined;
  }

  /** Copies the kept lines to a temp file and renames it over the old one (memory: one trace at a time). */
  private async compact(): Promise<void> {
    if (!this.entries) return;
    const path = this.opts.filePath;
    const tmp = `${path}.${process.pid}.tmp`;
    const source = await this.openHandle();
    const out = await open(tmp, 'w');
    const kept: Entry[] = [];
    let position = 0;
    try {
      for (const e of this.entries) {
        const buf = Buffer.alloc(e.bytes + 1);
        await source.read(buf, 0, e.bytes, e.offset);
        buf[e.bytes] = NEWLINE;
        await out.write(buf, 0, buf.length);
        kept.push({ traceId: e.traceId, offset: position, bytes: e.bytes });
        position += buf.length;
      }
    } finally {
      await out.close();
    }
    await rename(tmp, path);
    await this.closeHandle();
    this.entries = kept;
    this.fileBytes = position;
    this.fileLines = kept.length;
    this.knownEnd = position;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.writes
      .then(task)
      .catch((e: unknown) => {
        this.logger.error(`Trace file ${this.opts.filePath}: ${(e as Error)?.message ?? String(e)}`);
      })
      .then(() => (this.closed ? this.closeHandle() : undefined));
    this.writes = run;
    return run;
  }
}
