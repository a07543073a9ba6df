/**
 * The ledger's per-day totals index: a small JSON file beside the ledger holding the totals of its
 * first N bytes, with fingerprints of those bytes. Opening it reads the index and only the bytes
 * appended since; a missing, unreadable or stale index (ledger replaced, truncated, other time zone)
 * is rebuilt from the ledger. Several processes may save it: each save is a whole consistent
 * snapshot renamed into place, so the last one wins and none is torn.
 */
import { createHash } from 'node:crypto';
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from '../logger';
import { lineChunks } from './lineChunks';
import { parseLedgerLine } from './recordCheck';
import { UsageTotals, type TotalsRowJson } from './totals';

/** Bytes hashed at the start and at the end of the covered part of the ledger. */
const FINGERPRINT_BYTES = 4096;
/** Save the index after this many newly covered ledger bytes (and on close). */
const SAVE_EVERY_BYTES = 1 << 20;

const count = z.number().int().nonnegative();
const rowSchema = z.object({
  day: z.string(), model: z.string(), provider: z.string(), feature: z.string(),
  calls: count, errors: count, unknownCostCalls: count, cost: z.string().regex(/^-?\d+$/), savings: z.string().regex(/^-?\d+$/),
  inputTokens: count, outputTokens: count, cacheReadTokens: count, cacheWriteTokens: count,
  outcomes: count, shown: count, accepted: count, cacheHits: count, cancelled: count,
  // Optional: an index saved before records carried `local` counted none, as its records had none.
  localCalls: count.optional(),
});
const indexFileSchema = z.object({
  // 2: rows keyed by model config name (1 keyed by provider model id): a v1 index is rebuilt.
  v: z.literal(2),
  /** Days are local days: another zone means other day boundaries. */
  timeZone: z.string(),
  bytes: count,
  head: z.string(),
  tail: z.string(),
  rows: z.array(rowSchema),
});
type IndexFile = z.infer<typeof indexFileSchema>;

/** ledger.jsonl → ledger.totals.json */
export const totalsIndexPath = (ledgerPath: string): string => `${ledgerPath.replace(/\.jsonl$/, '')}.totals.json`;

const timeZone = (): string => `${Intl.DateTimeFormat().resolvedOptions().timeZone}`;

export class LedgerTotalsIndex {
  private totals: UsageTotals | undefined;
  /** Ledger bytes folded into `totals`. */
  private covered = 0;
  private savedAt = -1;
  private pending: Promise<UsageTotals> | undefined;

  constructor(
    private readonly ledgerPath: string,
    readonly indexPath: string,
    private readonly logger: Logger,
  ) {}

  /** The totals of the whole ledger as it is now (one catch-up at a time). */
  current(): Promise<UsageTotals> {
    const run = (this.pending ?? Promise.resolve(undefined as unknown as UsageTotals)).catch(() => undefined).then(() => this.catchUp());
    this.pending = run;
    return run;
  }

  /** Saves the index if it covers more than the saved one. */
  async save(): Promise<void> {
    await this.pending?.catch(() => undefined);
    if (this.totals && this.covered !== this.savedAt) await this.write();
  }

  private async catchUp(): Promise<UsageTotals> {
    if (!this.totals) await this.loadIndex();
    else if (this.covered > 0 && !(await this.stillMatches(this.covered, this.fingerprintHead, this.fingerprintTail))) this.reset('the ledger was replaced or truncated');
    const totals = this.totals!;
    const before = this.covered;
    for await (const chunk of lineChunks(this.ledgerPath, this.covered, false)) {
      for (const raw of chunk.lines) {
        const text = raw.trim();
        if (!text) continue;
        const record = parseLedgerLine(text);
        if (record) totals.add(record);
      }
      this.covered = chunk.endOffset;
    }
    if (this.covered !== before) await this.refreshFingerprints();
    if (this.covered - Math.max(0, this.savedAt) >= SAVE_EVERY_BYTES || (before === 0 && this.covered > 0 && this.savedAt < 0)) await this.write();
    return totals;
  }

  private fingerprintHead = '';
  private fingerprintTail = '';

  private async loadIndex(): Promise<void> {
    let file: IndexFile | undefined;
    try {
      const parsed = indexFileSchema.safeParse(JSON.parse(await readFile(this.indexPath, 'utf8')));
      if (parsed.success) file = parsed.data;
      else this.logger.warn(`Usage totals index ${this.indexPath} is not valid; rebuilding it from the ledger.`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn(`Usage totals index ${this.indexPath} is unreadable (${(e as Error).message}); rebuilding it from the ledger.`);
    }
    if (file && file.timeZone === timeZone() && (await this.stillMatches(file.bytes, file.head, file.tail))) {
      this.totals = UsageTotals.fromJSON(file.rows as TotalsRowJson[]);
      this.covered = file.bytes;
      this.savedAt = file.bytes;
      this.fingerprintHead = file.head;
      this.fingerprintTail = file.tail;
      return;
    }
    if (file) this.logger.info(`Usage totals index ${this.indexPath} is stale; rebuilding it from the ledger.`);
    this.reset();
  }

  private reset(why?: string): void {
    if (why) this.logger.info(`Usage totals: ${why}; rebuilding from the ledger.`);
    this.totals = new UsageTotals();
    this.covered = 0;
    this.savedAt = -1;
    this.fingerprintHead = '';
    this.fingerprintTail = '';
  }

  /** Hashes of the first and last FINGERPRINT_BYTES of the ledger's first `bytes` bytes. */
  private async fingerprints(bytes: number): Promise<{ head: string; tail: string } | undefined> {
    let handle;
    try {
      handle = await open(this.ledgerPath, 'r');
    } catch {
      return undefined;
    }
    try {
      const { size } = await handle.stat();
      if (size < bytes) return undefined;
      const slice = async (start: number, length: number) => {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buf, 0, length, start);
        return createHash('sha1').update(buf.subarray(0, bytesRead)).digest('hex');
      };
      const n = Math.min(FINGERPRINT_BYTES, bytes);
      return { head: await slice(0, n), tail: await slice(bytes - n, n) };
    } finally {
      await handle.close();
    }
  }

  private async stillMatches(bytes: number, head: string, tail: string): Promise<boolean> {
    if (bytes === 0) return true;
    const now = await this.fingerprints(bytes);
    return now !== undefined && now.head === head && now.tail === tail;
  }

  private async refreshFingerprints(): Promise<void> {
    const now = await this.fingerprints(this.covered);
    this.fingerprintHead = now?.head ?? '';
    this.fingerprintTail = now?.tail ?? '';
  }

  private async write(): Promise<void> {
    const body: IndexFile = { v: 2, timeZone: timeZone(), bytes: this.covered, head: this.fingerprintHead, tail: this.fingerprintTail, rows: this.totals!.toJSON() };
    const tmp = `${this.indexPath}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(body));
      await rename(tmp, this.indexPath);
      this.savedAt = this.covered;
    } catch (e) {
      // The index is a cache: failing to save it costs a rebuild later, never data.
      this.logger.warn(`Could not save the usage totals index ${this.indexPath}: ${(e as Error).message}`);
      await unlink(tmp).catch(() => undefined);
    }
  }
}
