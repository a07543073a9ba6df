/**
 * The usage ledger: append-only JSONL, one zod-validated record per router call, safe for several
 * processes (VS Code windows, the CLI) appending at once.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { formatConfigIssues } from '../config/schema';
import { silentLogger, type Logger } from '../logger';
import { describeLedgerFailure, type LedgerWriteFailure } from './ledgerFailure';
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

  constructor(
    readonly filePath: string,
    private readonly logger: Logger = silentLogger,
  ) {}

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

  private async write(line: string): Promise<void> {
    this.dirReady ??= mkdir(dirname(this.filePath), { recursive: true });
    await this.dirReady;
    // 'a+' = O_RDWR | O_CREAT | O_APPEND: reads may seek, every write still lands at the end.
    const handle = await open(this.filePath, 'a+');
    try {
      let prefix = '';
      const { size } = await handle.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== NEWLINE) prefix = '\n';
      }
      const data = Buffer.from(`${prefix}${line}\n`, 'utf8');
      const { bytesWritten } = await handle.write(data, 0, data.length);
      // A short write (disk full, signal) would leave a torn line; finish it so at worst that one record is lost.
      if (bytesWritten < data.length) await handle.write(data, bytesWritten, data.length - bytesWritten);
    } finally {
      await handle.close();
    }
  }

  writeFailure(): LedgerWriteFailure | undefined {
    return this.failure;
  }

  onWriteFailure(listener: (failure: LedgerWriteFailure) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  async flush(): Promise<void> {
    await this.queue;
  }

  /**
   * Every valid record in file order, optionally within [sinceMs, untilMs). With a window, lines
   * whose time falls outside it are passed over unparsed (and not counted in skippedLines).
   */
  async read(filter: LedgerFilter = {}): Promise<LedgerRecord[]> {
    await this.queue;
    const records: LedgerRecord[] = [];
    let skipped = 0;
    let handle;
    try {
      handle = await open(this.filePath, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.lastSkipped = 0;
        return records;
      }
      throw e;
    }
    const stream = handle.createReadStream({ encoding: 'utf8' });
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    const windowed = filter.sinceMs !== undefined || filter.untilMs !== undefined;
    for await (const raw of lines) {
      const text = raw.trim();
      if (!text) continue;
      if (windowed) {
        // Cheap pre-check on the raw line: most lines of a long ledger fall outside the window.
        const m = TIME_FIELD.exec(text);
        const t = m ? Date.parse(m[1]) : Number.NaN;
        if ((filter.sinceMs !== undefined && t < filter.sinceMs) || (filter.untilMs !== undefined && t >= filter.untilMs)) continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        skipped++;
        continue;
      }
      const parsed = ledgerRecordSchema.safeParse(value);
      if (!parsed.success) {
        skipped++;
        continue;
      }
      const rec = parsed.data;
      if (filter.sinceMs !== undefined || filter.untilMs !== undefined) {
        const t = Date.parse(rec.time);
        if (filter.sinceMs !== undefined && !(t >= filter.sinceMs)) continue;
        if (filter.untilMs !== undefined && !(t < filter.untilMs)) continue;
      }
      records.push(rec);
    }
    this.lastSkipped = skipped;
    // Said once per count: start-up (budget) and a report both read the same file.
    if (skipped > 0 && skipped !== this.warnedSkipped) this.logger.warn(`Usage ledger ${this.filePath}: skipped ${skipped} torn or invalid line(s); the other records are intact.`);
    this.warnedSkipped = skipped;
    return records;
  }
}
