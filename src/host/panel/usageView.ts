/**
 * The Usage tab's data, computed from the ledger's per-day totals (or records, folded into
 * totals) with the shared report functions (src/core/cost/report.ts). Pure: no vscode import.
 */
import type { BudgetState } from '../../core/cost/budget';
import { localDayKey } from '../../core/cost/budget';
import { acceptRate, aggregate, aggregateRows, allLocal, dailyByModel, type AggregateRow, type ReportSource } from '../../core/cost/report';
import { UsageTotals } from '../../core/cost/totals';
import type { LedgerRecord } from '../../core/cost/types';
import { cacheByDay, cacheByModel, providerDrift } from '../../core/cost/costControlReport';
import type { KeyedTotals, UsageView } from '../../protocol/messages';

const DAY_MS = 86_400_000;

/** The local days of the range ending today, oldest first. */
export function rangeDays(nowMs: number, days: number): string[] {
  const out: string[] = [];
  const today = new Date(nowMs);
  for (let i = days - 1; i >= 0; i--) {
    // Noon avoids DST edges when stepping whole days.
    out.push(localDayKey(new Date(today.getFullYear(), today.getMonth(), today.getDate() - i, 12).getTime()));
  }
  return out;
}

/** Records whose local day falls in the range. */
export function inRange(records: readonly LedgerRecord[], nowMs: number, days: number): LedgerRecord[] {
  const allowed = new Set(rangeDays(nowMs, days));
  const earliest = nowMs - (days + 1) * DAY_MS;
  return records.filter((r) => {
    const t = Date.parse(r.time);
    return t >= earliest && allowed.has(localDayKey(t));
  });
}

function keyed(row: AggregateRow): KeyedTotals {
  return {
    key: row.key,
    calls: row.calls,
    costUsd: row.costUsd,
    unknownCostCalls: row.unknownCostCalls,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: row.cacheReadTokens,
    cacheSavingsUsd: row.cacheSavingsUsd,
    ...(allLocal(row) ? { local: true } : {}),
  };
}

function budgetLines(budget: BudgetState | undefined): UsageView['budget']['lines'] {
  if (!budget) return [];
  const line = (period: 'day' | 'month', spent: number, limit: number | undefined) => {
    if (limit === undefined) return [];
    const state: 'ok' | 'warn' | 'exceeded' = spent >= limit ? 'exceeded' : spent >= limit * 0.8 ? 'warn' : 'ok';
    return [{ period, limitUsd: limit, spentUsd: spent, state }];
  };
  return [...line('day', budget.dailySpentUsd, budget.dailyLimitUsd), ...line('month', budget.monthlySpentUsd, budget.monthlyLimitUsd)];
}

export interface UsageViewOptions {
  nowMs: number;
  rangeDays: number;
  budget?: BudgetState;
  /** The price catalog's version date and source, shown as "prices as of …". */
  prices?: { asOf: string; source: string };
  caps?: { maxTurnUsd?: number; maxConversationUsd?: number };
}

export function buildUsageView(all: ReportSource, opts: UsageViewOptions): UsageView {
  const days = rangeDays(opts.nowMs, opts.rangeDays);
  const records = (all instanceof UsageTotals ? all : UsageTotals.of(all)).within({ days: new Set(days) });
  const daily = dailyByModel(records);
  const index = new Map(daily.days.map((d, i) => [d, i]));
  const dailyByModelFull = daily.series.map((s) => ({
    model: s.model,
    costUsd: days.map((d) => (index.has(d) ? s.costUsd[index.get(d)!] : 0)),
    tokens: days.map((d) => (index.has(d) ? s.tokens[index.get(d)!] : 0)),
  }));
  const total = aggregateRows(records.rows().map((r) => ({ ...r, feature: 'all' })), 'feature')[0];
  const empty: KeyedTotals = { key: 'all', calls: 0, costUsd: 0, unknownCostCalls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheSavingsUsd: 0 };
  return {
    rangeDays: opts.rangeDays,
    generatedAtMs: opts.nowMs,
    totals: total ? keyed(total) : empty,
    days,
    dailyByModel: dailyByModelFull,
    byFeature: aggregate(records, 'feature').map(keyed),
    byProvider: aggregate(records, 'provider').map(keyed),
    byModel: aggregate(records, 'model').map(keyed),
    budget: { onExceed: opts.budget?.onExceed ?? 'warn', lines: budgetLines(opts.budget) },
    acceptRate: acceptRate(records).map((r) => ({ model: r.model, shown: r.shown, accepted: r.accepted, rate: r.rate })),
    costControl: {
      cacheByModel: cacheByModel(records),
      cacheByDay: cacheByDay(records),
      drift: providerDrift(records),
      ...(opts.prices ? { pricesAsOf: opts.prices.asOf, pricesSource: opts.prices.source.slice(0, 2000) } : {}),
      ...(opts.caps ? { caps: opts.caps } : {}),
    },
  };
}
