/**
 * The usage ledger: append-only JSONL, one zod-validated record per router call, safe for several
 * processes (VS Code windows, the CLI) appending at once. Reads stream the file in chunks; the
 * budget and the Usage tab read per-day totals (./totalsIndex.ts) instead of the records.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatConfigIssues } from '../config/schema';
import { silentLogger, type Logger } from '../logger';
import { describeLedgerFailure, type LedgerWriteFailure } from './ledgerFailure';
import { lineChunks } from './lineChunks';
import { parseLedgerLine } from './recordCheck';
import type { UsageTotals } from './totals';
import { LedgerTotalsIndex, totalsIndexPath } from './totalsIndex';
import { ledgerRecordSchema, type Ledger, type LedgerFilter, type LedgerRecord } from './types';

const NEWLINE = 0x0a;
/** The "time" key of a serialised record (a key cannot occur unescaped inside a JSON string). */
const TIME_FIELD = /"time":"([^"]+)"/;

export class JsonlLedger implements Ledger {
  private lastSkipped = 0;
  /** The skipped-line count last warned about. */
  private warnedSkipped = 0;
  /** Serialises this instance's appends so its records keep their order. */
  private queue: Promise<void> = Promise.resolve();
  private dirReady: Promise<unknown> | undefined;
  private failure: LedgerWriteFailure | undefined;
  private readonly failureListeners = new Set<(failure: LedgerWriteFailure) => void>();
  /** The append handle, open for the ledger's lifetime (one open per process, not one per record). */
  private handle: FileHandle | undefined;
  /** File size right after this instance's last write: if unchanged, the file ends in our "\n". */
  private knownEnd = -1;
  /** close() was called: a late append (a call that finished after dispose) closes the file again. */
  private closed = false;
  private readonly index: LedgerTotalsIndex;

  constructor(
    readonly filePath: string,
    private readonly logger: Logger = silentLogger,
  ) {
    this.index = new LedgerTotalsIndex(filePath, totalsIndexPath(filePath), logger);
  }

  /** Lines skipped (torn or invalid) by the last read(). */
  get skippedLines(): number {
    return this.lastSkipped;
  }

  /**
   * Validates and appends one record as one line, in ONE write() on a file opened with O_APPEND:
   * the kernel places each write at the end atomically, so concurrent appenders never interleave.
   * If the file does not end in "\n" (a torn line after a crash), the line starts with "\n" so the
   * torn fragment stays a separate (skipped) line; at worst a race adds an empty line.
   */
  append(record: LedgerRecord): Promise<void> {
    const parsed = ledgerRecordSchema.safeParse(record);
    if (!parsed.success) {
      return Promise.reject(new Error(`Invalid ledger record (not written):\n${formatConfigIssues(parsed.error)}`));
    }
    const line = JSON.stringify(parsed.data);
    const run = this.queue.then(() => this.write(line)).then(
      () => {
        this.failure = undefined;
      },
      (err: unknown) => {
        this.dirReady = undefined; // the folder may be fixed before the next append
        this.failure = describeLedgerFailure(err, this.filePath, (this.failure?.lostRecords ?? 0) + 1);
        for (const listener of this.failureListeners) {
          try {
            listener(this.failure);
          } catch (e) {
            this.logger.warn(`ledger failure listener threw: ${(e as Error).message}`);
          }
        }
        throw err;
      },
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async openHandle(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    this.dirReady ??= mkdir(dirname(this.filePath), { recursive: true });
    await this.dirReady;
    // 'a+' = O_RDWR | O_CREAT | O_APPEND: reads may seek, every write still lands at the end.
    this.handle = await open(this.filePath, 'a+');
    this.knownEnd = -1;
    return this.handle;
  }

  private async write(line: string): Promise<void> {
    try {
      let handle = await this.openHandle();
      let stat = await handle.stat();
      if (stat.nlink === 0) {
        // The file was deleted or replaced while open: write to the path again, not to the orphan.
        await this.closeHandle();
        handle = await this.openHandle();
        stat = await handle.stat();
      }
      let prefix = '';
      if (stat.size > 0 && stat.size !== this.knownEnd) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, stat.size - 1);
        if (last[0] !== NEWLINE) prefix = '\n';
      }
      const data = Buffer.from(`${prefix}${line}\n`, 'utf8');
      const { bytesWritten } = await handle.write(data, 0, data.length);
      // A short write (disk full, signal) would leave a torn line; finish it so at worst that one record is lost.
      if (bytesWritten < data.length) await handle.write(data, bytesWritten, data.length - bytesWritten);
      this.knownEnd = stat.size + data.length;
      if (this.closed) await this.closeHandle();
    } catch (err) {
      await this.closeHandle();
      throw err;
    }
  }

  writeFailure(): LedgerWriteFailure | undefined {
    return this.failure;
  }

  onWriteFailure(listener: (failure: LedgerWriteFailure) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.knownEnd = -1;
    await handle?.close().catch(() => undefined);
  }

  async flush(): Promise<void> {
    await this.queue;
  }

  /** Writes out what is pending, saves the totals index and closes the append handle. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.closeHandle();
    await this.index.save();
  }

  /** Per-day totals of every record, caught up with the end of the file (other processes' appends included). */
  async totals(): Promise<UsageTotals> {
    await this.queue;
    return this.index.current();
  }

  /**
   * The valid records in file order, a chunk at a time, optionally within [sinceMs, untilMs).
   * With a window, lines whose time falls outside it are passed over unparsed (and not counted).
   */
  async *stream(filter: LedgerFilter = {}): AsyncGenerator<LedgerRecord[]> {
    await this.queue;
    let skipped = 0;
    const windowed = filter.sinceMs !== undefined || filter.untilMs !== undefined;
    const inWindow = (t: number) => !((filter.sinceMs !== undefined && !(t >= filter.sinceMs)) || (filter.untilMs !== undefined && !(t < filter.untilMs)));
    for await (const chunk of lineChunks(this.filePath, 0, true)) {
      const batch: LedgerRecord[] = [];
      for (const raw of chunk.lines) {
        const text = raw.trim();
        if (!text) continue;
        if (windowed) {
          // Cheap pre-check on the raw line: most lines of a long ledger fall outside the window.
          const m = TIME_FIELD.exec(text);
          if (m && !inWindow(Date.parse(m[1]))) continue;
        }
        const record = parseLedgerLine(text);
        if (!record) {
          skipped++;
          continue;
        }
        if (windowed && !inWindow(Date.parse(record.time))) continue;
        batch.push(record);
      }
      if (batch.length > 0) yield batch;
    }
    this.lastSkipped = skipped;
    // Said once per count: start-up (budget) and a report both read the same file.
    if (skipped > 0 && skipped !== this.warnedSkipped) this.logger.warn(`Usage ledger ${this.filePath}: skipped ${skipped} torn or invalid line(s); the other records are intact.`);
    this.warnedSkipped = skipped;
  }

  /** Every valid record in file order, optionally within [sinceMs, untilMs). Prefer stream() or totals() for big ledgers. */
  async read(filter: LedgerFilter = {}): Promise<LedgerRecord[]> {
    const out: LedgerRecord[] = [];
    this.lastSkipped = 0;
    for await (const batch of this.stream(filter)) for (const r of batch) out.push(r);
    return out;
  }
}
