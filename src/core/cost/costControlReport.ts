/**
 * The cost-control figures of the Usage tab, from ledger records: prompt-cache hit rate and
 * dollars saved per model and per day, and drift between Switchyard's cost and the cost the
 * provider reported (flagged above DRIFT_FLAG_FRACTION).
 */
import { localDayKey } from './budget';
import { femtoToUsd, usdToFemto, type Femto } from './money';
import type { LedgerRecord } from './types';

/** Drift above this share of our figure is flagged. */
export const DRIFT_FLAG_FRACTION = 0.02;

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

/** The provider's model id, as the Usage tab's other per-model tables key them. */
const modelKey = (r: LedgerRecord) => r.modelId ?? r.model ?? '(none)';

function cacheRows(records: readonly LedgerRecord[], keyOf: (r: LedgerRecord) => string): CacheRow[] {
  const rows = new Map<string, { input: number; read: number; write: number; savings: Femto }>();
  for (const r of records) {
    if (r.usage.inputTokens === 0) continue;
    const key = keyOf(r);
    const row = rows.get(key) ?? { input: 0, read: 0, write: 0, savings: 0n };
    row.input += r.usage.inputTokens;
    row.read += r.usage.cacheReadTokens;
    row.write += r.usage.cacheWriteTokens;
    if (r.cacheSavingsUsd) row.savings += usdToFemto(r.cacheSavingsUsd);
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

/** Prompt-cache figures per model, most input first. */
export function cacheByModel(records: readonly LedgerRecord[]): CacheRow[] {
  return cacheRows(records, modelKey).sort((a, b) => b.inputTokens - a.inputTokens);
}

/** Prompt-cache figures per local day, oldest first. */
export function cacheByDay(records: readonly LedgerRecord[]): CacheRow[] {
  return cacheRows(records, (r) => localDayKey(Date.parse(r.time))).sort((a, b) => a.key.localeCompare(b.key));
}

/** Our cost against the provider's, per model, over the calls that have both. */
export function providerDrift(records: readonly LedgerRecord[]): DriftRow[] {
  const rows = new Map<string, { calls: number; ours: Femto; theirs: Femto }>();
  for (const r of records) {
    if (r.providerCostUsd === undefined || r.costUsd === null) continue;
    const key = modelKey(r);
    const row = rows.get(key) ?? { calls: 0, ours: 0n, theirs: 0n };
    row.calls++;
    row.ours += usdToFemto(r.costUsd);
    row.theirs += usdToFemto(r.providerCostUsd);
    rows.set(key, row);
  }
  return [...rows.entries()].map(([model, v]) => {
    const ourUsd = femtoToUsd(v.ours);
    const providerUsd = femtoToUsd(v.theirs);
    // From the exact sums, so 2.00% is not flagged by a float's last bit.
    const drift = v.ours > 0n ? Number(v.theirs - v.ours) / Number(v.ours) : null;
    return { model, calls: v.calls, ourUsd, providerUsd, drift, flagged: drift === null ? providerUsd > 0 : Math.abs(drift) > DRIFT_FLAG_FRACTION };
  }).sort((a, b) => b.providerUsd - a.providerUsd);
}
