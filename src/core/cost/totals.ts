/**
 * Usage totals per (local day, model, provider, feature): everything the budget, the Usage tab and
 * `switchyard cost --by …` show, in a few hundred rows however long the ledger grows. Sums are exact
 * (femto-dollars). Reports over records fold them into totals first, so both paths mean the same.
 */
import { localDayKey } from './budget';
import type { Femto } from './money';
import { usdToFemto } from './money';
import type { LedgerRecord } from './types';

const NO_VALUE = '(none)';

const OUTCOME_ONLY = new Set(['shown', 'accepted', 'rejected', 'cache_hit']);
const SEEN = new Set(['shown', 'accepted', 'rejected']);

/**
 * False for the small records the completion engine writes when a suggestion closes (accepted,
 * rejected, cache_hit …: no attempts, no usage); true for records of router calls.
 */
export const isModelCall = (r: LedgerRecord): boolean => !(r.attempts.length === 0 && r.outcome !== undefined && OUTCOME_ONLY.has(r.outcome));

/** The model a record is reported under: its config name (as Chat and Traces name it), else the provider's model id. */
const modelKey = (r: LedgerRecord): string => r.model ?? r.modelId ?? NO_VALUE;

export interface TotalsRow {
  day: string;
  model: string;
  provider: string;
  feature: string;
  /** Model calls (completion outcome records are not calls). */
  calls: number;
  errors: number;
  unknownCostCalls: number;
  cost: Femto;
  savings: Femto;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Completion records with an outcome, and the accept-rate counts among them. */
  outcomes: number;
  shown: number;
  accepted: number;
  cacheHits: number;
  cancelled: number;
  /** Calls answered by a local model (records flagged `local`; older records never are). */
  localCalls?: number;
  /** Calls whose provider reported its own cost, that cost, and our cost of the same calls (drift). */
  providerCostCalls?: number;
  providerCost?: Femto;
  providerCostOurs?: Femto;
}

/** Serialised row: the bigint sums as decimal strings. */
export type TotalsRowJson = Omit<TotalsRow, 'cost' | 'savings' | 'providerCost' | 'providerCostOurs'> & { cost: string; savings: string; providerCost?: string; providerCostOurs?: string };

export class UsageTotals {
  private readonly byKey = new Map<string, TotalsRow>();
  /** Local day key cache: many records share a day, and Date arithmetic is the costly part of a fold. */
  private lastDayStart = Number.NaN;
  private lastDayEnd = Number.NaN;
  private lastDay = '';

  static of(records: Iterable<LedgerRecord>): UsageTotals {
    const totals = new UsageTotals();
    for (const r of records) totals.add(r);
    return totals;
  }

  static fromJSON(rows: readonly TotalsRowJson[]): UsageTotals {
    const totals = new UsageTotals();
    for (const row of rows) {
      const full: TotalsRow = {
        ...row, cost: BigInt(row.cost), savings: BigInt(row.savings),
        ...(row.providerCost !== undefined ? { providerCost: BigInt(row.providerCost), providerCostOurs: BigInt(row.providerCostOurs ?? '0') } : {}),
      } as TotalsRow;
      totals.byKey.set(keyOf(full.day, full.model, full.provider, full.feature), full);
    }
    return totals;
  }

  toJSON(): TotalsRowJson[] {
    return [...this.byKey.values()].map(({ providerCost, providerCostOurs, ...r }) => ({
      ...r, cost: r.cost.toString(), savings: r.savings.toString(),
      ...(providerCost !== undefined ? { providerCost: providerCost.toString(), providerCostOurs: (providerCostOurs ?? 0n).toString() } : {}),
    }));
  }

  get size(): number {
    return this.byKey.size;
  }

  add(r: LedgerRecord): void {
    const modelCall = isModelCall(r);
    const outcome = r.feature === 'completion' && r.outcome ? r.outcome : undefined;
    if (!modelCall && !outcome) return;
    const day = this.dayOf(Date.parse(r.time));
    const model = modelKey(r);
    const provider = r.provider ?? NO_VALUE;
    const key = keyOf(day, model, provider, r.feature);
    let row = this.byKey.get(key);
    if (!row) {
      row = { day, model, provider, feature: r.feature, calls: 0, errors: 0, unknownCostCalls: 0, cost: 0n, savings: 0n, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outcomes: 0, shown: 0, accepted: 0, cacheHits: 0, cancelled: 0 };
      this.byKey.set(key, row);
    }
    if (modelCall) {
      row.calls++;
      if (r.status === 'error') row.errors++;
      if (r.local) row.localCalls = (row.localCalls ?? 0) + 1;
      if (r.costUsd === null) row.unknownCostCalls++;
      else if (r.costUsd !== 0) row.cost += usdToFemto(r.costUsd);
      if (r.cacheSavingsUsd != null && r.cacheSavingsUsd !== 0) row.savings += usdToFemto(r.cacheSavingsUsd);
      row.inputTokens += r.usage.inputTokens;
      row.outputTokens += r.usage.outputTokens;
      row.cacheReadTokens += r.usage.cacheReadTokens;
      row.cacheWriteTokens += r.usage.cacheWriteTokens;
      if (r.providerCostUsd !== undefined && r.costUsd !== null) {
        row.providerCostCalls = (row.providerCostCalls ?? 0) + 1;
        row.providerCost = (row.providerCost ?? 0n) + usdToFemto(r.providerCostUsd);
        row.providerCostOurs = (row.providerCostOurs ?? 0n) + usdToFemto(r.costUsd);
      }
    }
    if (outcome) {
      row.outcomes++;
      if (SEEN.has(outcome)) row.shown++;
      if (outcome === 'accepted') row.accepted++;
      if (outcome === 'cache_hit') row.cacheHits++;
      if (outcome === 'cancelled') row.cancelled++;
    }
  }

  /** Rows whose day is in [sinceDay, untilDay] (inclusive "YYYY-MM-DD" keys; either may be left out). */
  rows(range: { sinceDay?: string; untilDay?: string; days?: ReadonlySet<string> } = {}): TotalsRow[] {
    const out: TotalsRow[] = [];
    for (const row of this.byKey.values()) {
      if (range.sinceDay !== undefined && row.day < range.sinceDay) continue;
      if (range.untilDay !== undefined && row.day > range.untilDay) continue;
      if (range.days && !range.days.has(row.day)) continue;
      out.push(row);
    }
    return out;
  }

  /** The totals of the days in the range only (rows shared, not copied). */
  within(range: { sinceDay?: string; untilDay?: string; days?: ReadonlySet<string> }): UsageTotals {
    const out = new UsageTotals();
    for (const row of this.rows(range)) out.byKey.set(keyOf(row.day, row.model, row.provider, row.feature), row);
    return out;
  }

  /** Known spend per local day from `sinceDay` on. */
  spendByDay(sinceDay: string): Map<string, Femto> {
    const days = new Map<string, Femto>();
    for (const row of this.rows({ sinceDay })) if (row.cost !== 0n) days.set(row.day, (days.get(row.day) ?? 0n) + row.cost);
    return days;
  }

  private dayOf(ms: number): string {
    if (ms >= this.lastDayStart && ms < this.lastDayEnd) return this.lastDay;
    const d = new Date(ms);
    this.lastDayStart = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    this.lastDayEnd = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    this.lastDay = localDayKey(ms);
    return this.lastDay;
  }
}

const keyOf = (day: string, model: string, provider: string, feature: string) => `${day}\u0000${model}\u0000${provider}\u0000${feature}`;
