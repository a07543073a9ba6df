/** An in-memory Ledger for unit tests that need the records a call wrote, without a file. */
import { UsageTotals } from '../../src/core/cost/totals';
import type { Ledger, LedgerFilter, LedgerRecord } from '../../src/core/cost/types';

export class MemoryLedger implements Ledger {
  constructor(public records: LedgerRecord[] = []) {}
  async append(record: LedgerRecord): Promise<void> {
    this.records.push(record);
  }
  async read(filter: LedgerFilter = {}): Promise<LedgerRecord[]> {
    return this.records.filter((r) => {
      const t = Date.parse(r.time);
      return (filter.sinceMs === undefined || t >= filter.sinceMs) && (filter.untilMs === undefined || t < filter.untilMs);
    });
  }
  async *stream(filter?: LedgerFilter): AsyncGenerator<LedgerRecord[]> {
    yield await this.read(filter);
  }
  async totals(): Promise<UsageTotals> {
    return UsageTotals.of(this.records);
  }
}
