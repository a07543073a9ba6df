/**
 * The persistent trace store for the Traces tab: a JSONL file plus, in memory, only where each
 * trace's line is (id, offset, length) and the last few traces added. Bounded by count and bytes
 * (oldest evicted); the file is compacted when it grows past 2× the bound. Nothing is read at
 * construction: the first page() or find() indexes the file (line heads only, no parse), and a
 * trace is parsed only when it is asked for.
 *
 * A trace is appended synchronously on the open descriptor when no file task is queued (the usual
 * case: one fstat + one write, a few µs, where the thread pool costs ~20 µs of CPU per call);
 * opening, indexing, compaction and appends arriving while one of those runs go through the queue.
 */
import { fstatSync, readSync, writeSync } from 'node:fs';
import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { silentLogger, type Logger } from '../logger';
import { traceRecordSchema } from './store';
import type { TraceRecord, TraceStore } from './types';

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1 << 20;
/**
 * The newest traces kept in memory, as their JSON lines: the Traces tab usually asks for what just
 * happened. Kept as text, not parsed: a record graph that lives for the next 20 calls is what a
 * generational GC handles worst (copied, promoted, then collected from the old space), and the
 * router pays for it on every call; a string is one flat object, parsed only when asked for.
 */
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
  /** The trace ids in `entries` (kept with them: compaction keeps the same ids). */
  private readonly entryIds = new Set<string>();
  private totalBytes = 0;
  private readonly recent = new Map<string, string>();
  private readonly listeners = new Set<(trace: TraceRecord) => void>();
  private readonly logger: Logger;
  private handle: FileHandle | undefined;
  /** File size after our last write or index: if the file is still this size, our index is complete. */
  private knownEnd = -1;
  private fileBytes = 0;
  private fileLines = 0;
  private writes: Promise<void> = Promise.resolve();
  private readonly lastByte = Buffer.alloc(1);
  /** Tasks in `writes` not finished yet: while any is, appends queue behind them to keep file order. */
  private queued = 0;
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
    this.recent.set(trace.traceId, line);
    if (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value!);
    if (!(this.queued === 0 && this.handle && this.appendNow(trace.traceId, line))) {
      void this.enqueue(() => this.append(trace.traceId, line));
    }
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
    const cached = this.recentTrace(traceId);
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
      this.resetEntries();
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
    this.knownEnd = -1; // a file opened later at the path is not known to end in our "\n"
    await handle?.close().catch(() => undefined);
  }

  /**
   * The synchronous fast path: appends on the open descriptor. False when the line must go
   * through the queue instead (the file was replaced or deleted: it is reopened there).
   */
  private appendNow(traceId: string, line: string): boolean {
    try {
      if (!this.writeLine(this.handle!.fd, traceId, line)) return false;
    } catch (e) {
      this.logger.error(`Trace file ${this.opts.filePath}: ${(e as Error)?.message ?? String(e)}`);
      return true; // said once, like a queued append that failed; the trace stays in `recent`
    }
    if (this.outgrown()) void this.enqueue(() => this.shrink());
    return true;
  }

  private async append(traceId: string, line: string): Promise<void> {
    let handle = await this.openHandle(false);
    if (!this.writeLine(handle.fd, traceId, line)) {
      // Replaced (another window compacted it) or deleted: follow the path.
      await this.closeHandle();
      this.entries = undefined;
      handle = await this.openHandle(false);
      if (!this.writeLine(handle.fd, traceId, line)) throw new Error('the trace file was removed again while it was being reopened');
    }
    if (this.outgrown()) await this.shrink();
  }

  /**
   * Appends one line in one write (O_APPEND: lands at the end whoever else appends); a file that
   * does not end in "\n" (a torn line after a crash) gets one first. False, writing nothing, when
   * the open file is no longer at the path.
   */
  private writeLine(fd: number, traceId: string, line: string): boolean {
    const { size, nlink } = fstatSync(fd);
    if (nlink === 0) return false;
    // Unchanged since our last write or index: it ends in our "\n", and the index (if any) is complete.
    const ours = size === this.knownEnd;
    let prefix = '';
    if (size > 0 && !ours) {
      readSync(fd, this.lastByte, 0, 1, size - 1);
      if (this.lastByte[0] !== NEWLINE) prefix = '\n';
    }
    const data = Buffer.from(`${prefix}${line}\n`, 'utf8');
    const bytesWritten = writeSync(fd, data, 0, data.length);
    if (bytesWritten < data.length) writeSync(fd, data, bytesWritten, data.length - bytesWritten);
    this.fileBytes = size + data.length;
    this.fileLines++;
    if (this.entries && ours) this.push({ traceId, offset: size + prefix.length, bytes: data.length - prefix.length - 1 });
    else this.entries = undefined; // someone else wrote too (or never indexed): index again when asked
    this.knownEnd = size + data.length;
    return true;
  }

  private outgrown(): boolean {
    return this.fileLines > 2 * this.opts.maxTraces || this.fileBytes > 2 * this.opts.maxBytes;
  }

  /** Brings an outgrown file back within bounds; a file never indexed (Traces tab not opened) is indexed, which compacts. */
  private async shrink(): Promise<void> {
    if (!this.entries) await this.index();
    else if (this.outgrown()) await this.compact();
  }

  private resetEntries(): void {
    this.entries = [];
    this.entryIds.clear();
    this.totalBytes = 0;
  }

  private push(entry: Entry): void {
    const entries = this.entries!;
    // A trace added again replaces its older line (looked up only then: the set answers the usual "new").
    if (this.entryIds.has(entry.traceId)) {
      const dup = entries.findIndex((e) => e.traceId === entry.traceId);
      if (dup >= 0) this.totalBytes -= entries.splice(dup, 1)[0].bytes;
    }
    entries.push(entry);
    this.entryIds.add(entry.traceId);
    this.totalBytes += entry.bytes;
    // Evict oldest; the newest trace is always kept, even when it alone exceeds maxBytes.
    while (entries.length > 1 && (entries.length > this.opts.maxTraces || this.totalBytes > this.opts.maxBytes)) {
      const evicted = entries.shift()!;
      this.totalBytes -= evicted.bytes;
      this.entryIds.delete(evicted.traceId);
    }
  }

  /** Finds every line's offset and trace id by scanning line heads; nothing is parsed. */
  private async index(): Promise<void> {
    this.resetEntries();
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
    if (this.outgrown()) await this.compact();
  }

  private recentTrace(traceId: string): TraceRecord | undefined {
    const line = this.recent.get(traceId);
    return line === undefined ? undefined : (JSON.parse(line) as TraceRecord);
  }

  /** Parses one stored trace; a torn, invalid or moved line is skipped (and the index redone later). */
  private async read(entry: Entry): Promise<TraceRecord | undefined> {
    const cached = this.recentTrace(entry.traceId);
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

  /**
   * Copies the kept lines to a temp file and renames it over the old one. Kept lines are mostly
   * one contiguous run (the newest), so they are copied a run of up to 1 MB at a time, not one
   * read and one write per trace; a trace longer than that is copied alone.
   */
  private async compact(): Promise<void> {
    if (!this.entries) return;
    const path = this.opts.filePath;
    const tmp = `${path}.${process.pid}.tmp`;
    const source = await this.openHandle();
    const out = await open(tmp, 'w');
    const entries = this.entries;
    const kept: Entry[] = [];
    let position = 0;
    try {
      for (let first = 0; first < entries.length; ) {
        // [first, last]: lines that follow each other in the file (each line's "\n" is the byte after it).
        let last = first;
        let runBytes = entries[first].bytes + 1;
        while (last + 1 < entries.length) {
          const e = entries[last];
          const next = entries[last + 1];
          if (next.offset !== e.offset + e.bytes + 1 || runBytes + next.bytes + 1 > CHUNK_BYTES) break;
          runBytes += next.bytes + 1;
          last++;
        }
        const buf = Buffer.alloc(runBytes);
        await source.read(buf, 0, runBytes - 1, entries[first].offset);
        buf[runBytes - 1] = NEWLINE; // every entry ends just before its "\n": set, not read
        await out.write(buf, 0, buf.length);
        for (let i = first; i <= last; i++) {
          kept.push({ traceId: entries[i].traceId, offset: position, bytes: entries[i].bytes });
          position += entries[i].bytes + 1;
        }
        first = last + 1;
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
    this.queued++;
    const run = this.writes
      .then(task)
      .catch((e: unknown) => {
        this.logger.error(`Trace file ${this.opts.filePath}: ${(e as Error)?.message ?? String(e)}`);
      })
      .then(() => {
        this.queued--;
        if (this.closed) return this.closeHandle();
      });
    this.writes = run;
    return run;
  }
}
