/**
 * The cost-control figures of the Usage tab, from ledger records: prompt-cache hit rate and
 * dollars saved per model and per day, and drift between Switchyard's cost and the cost the
 * provider reported (flagged above DRIFT_FLAG_FRACTION).
 */
import { femtoToUsd, type Femto } from './money';
import { UsageTotals, type TotalsRow } from './totals';
import type { LedgerRecord } from './types';

/** Drift above this share of our figure is flagged. */
const DRIFT_FLAG_FRACTION = 0.02;

export interface CacheRow {
  /** The provider's model id, or local day "YYYY-MM-DD". */
  key: string;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** cacheReadTokens / inputTokens; null when there was no input. */
  hitRate: number | null;
  savingsUsd: number;
}

export interface DriftRow {
  /** The provider's model id. */
  model: string;
  /** Calls that carried both figures. */
  calls: number;
  ourUsd: number;
  providerUsd: number;
  /** (provider − ours) / ours; null when ours is 0. */
  drift: number | null;
  flagged: boolean;
}

type Source = UsageTotals | readonly LedgerRecord[];
const rowsOf = (src: Source): TotalsRow[] => (src instanceof UsageTotals ? src : UsageTotals.of(src)).rows();

function cacheRows(src: Source, keyOf: (r: TotalsRow) => string): CacheRow[] {
  const rows = new Map<string, { input: number; read: number; write: number; savings: Femto }>();
  for (const r of rowsOf(src)) {
    if (r.inputTokens === 0) continue;
    const key = keyOf(r);
    const row = rows.get(key) ?? { input: 0, read: 0, write: 0, savings: 0n };
    row.input += r.inputTokens;
    row.read += r.cacheReadTokens;
    row.write += r.cacheWriteTokens;
    row.savings += r.savings;
    rows.set(key, row);
  }
  return [...rows.entries()].map(([key, v]) => ({
    key,
    inputTokens: v.input,
    cacheReadTokens: v.read,
    cacheWriteTokens: v.write,
    hitRate: v.input > 0 ? v.read / v.input : null,
    savingsUsd: femtoToUsd(v.savings),
  }));
}

/** Prompt-cache figures per model (the provider's model id), most input first. */
export function cacheByModel(src: Source): CacheRow[] {
  return cacheRows(src, (r) => r.model).sort((a, b) => b.inputTokens - a.inputTokens);
}

/** Prompt-cache figures per local day, oldest first. */
export function cacheByDay(src: Source): CacheRow[] {
  return cacheRows(src, (r) => r.day).sort((a, b) => a.key.localeCompare(b.key));
}

/** Our cost against the provider's, per model, over the calls that have both. */
export function providerDrift(src: Source): DriftRow[] {
  const rows = new Map<string, { calls: number; ours: Femto; theirs: Femto }>();
  for (const r of rowsOf(src)) {
    if (!r.providerCostCalls) continue;
    const row = rows.get(r.model) ?? { calls: 0, ours: 0n, theirs: 0n };
    row.calls += r.providerCostCalls;
    row.ours += r.providerCostOurs ?? 0n;
    row.theirs += r.providerCost ?? 0n;
    rows.set(r.model, row);
  }
  return [...rows.entries()].map(([model, v]) => {
    const ourUsd = femtoToUsd(v.ours);
    const providerUsd = femtoToUsd(v.theirs);
    // From the exact sums, so 2.00% is not flagged by a float's last bit.
    const drift = v.ours > 0n ? Number(v.theirs - v.ours) / Number(v.ours) : null;
    return { model, calls: v.calls, ourUsd, providerUsd, drift, flagged: drift === null ? providerUsd > 0 : Math.abs(drift) > DRIFT_FLAG_FRACTION };
  }).sort((a, b) => b.providerUsd - a.providerUsd);
}
