/** An in-memory Ledger for unit tests that need the records a call wrote, without a file. */
import type { Ledger, LedgerRecord } from '../../src/core/cost/types';

export class MemoryLedger implements Ledger {
  records: LedgerRecord[] = [];
  async append(record: LedgerRecord): Promise<void> {
    this.records.push(record);
  }
  async read(): Promise<LedgerRecord[]> {
    return this.records;
  }
}
