/**
 * Spend reports over ledger records: aggregates by day/model/provider/feature, daily series for
 * stacked charts, completion accept rates, CSV export and a Markdown summary. Sums are exact.
 */
import type { BudgetState } from './budget';
import { localDayKey } from './budget';
import { femtoToUsd, formatUsd, usdToFemto, type Femto } from './money';
import { isModelCall, UsageTotals, type TotalsRow } from './totals';
import type { LedgerRecord } from './types';

export type GroupBy = 'day' | 'model' | 'provider' | 'feature';

export interface AggregateRow {
  key: string;
  calls: number;
  errors: number;
  /** Exact sum of the known costs. */
  costUsd: number;
  /** Calls whose price was unknown (their cost is not in costUsd). */
  unknownCostCalls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheSavingsUsd: number;
  /** Calls answered by a local model. */
  localCalls: number;
}

/** Every call of the row ran on a local model: its $0 reads "$0 (local)" (a row mixing in billed calls does not). */
export const allLocal = (row: Pick<AggregateRow, 'calls' | 'localCalls'>): boolean => row.calls > 0 && row.localCalls === row.calls;
export { isModelCall };

const KEYS: Record<GroupBy, (r: TotalsRow) => string> = {
  day: (r) => r.day,
  model: (r) => r.model,
  provider: (r) => r.provider,
  feature: (r) => r.feature,
};

interface Acc {
  row: AggregateRow;
  cost: Femto;
  savings: Femto;
}

/** What a report is made from: ledger records, or the per-day totals (the same result, far less to read). */
export type ReportSource = readonly LedgerRecord[] | UsageTotals;
const totalsOf = (source: ReportSource): UsageTotals => (source instanceof UsageTotals ? source : UsageTotals.of(source));
const rowsOf = (source: ReportSource): TotalsRow[] => totalsOf(source).rows();

/**
 * Rows per key over the model calls (completion outcome records are left to acceptRate); days
 * sorted oldest first, everything else by cost, then calls, then key.
 */
export function aggregate(source: ReportSource, by: GroupBy): AggregateRow[] {
  return aggregateRows(rowsOf(source), by);
}

export function aggregateRows(totals: readonly TotalsRow[], by: GroupBy): AggregateRow[] {
  const keyOf = KEYS[by];
  const groups = new Map<string, Acc>();
  for (const t of totals) {
    if (t.calls === 0) continue;
    const key = keyOf(t);
    let acc = groups.get(key);
    if (!acc) {
      acc = {
        row: { key, calls: 0, errors: 0, costUsd: 0, unknownCostCalls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, cacheSavingsUsd: 0, localCalls: 0 },
        cost: 0n,
        savings: 0n,
      };
      groups.set(key, acc);
    }
    const row = acc.row;
    row.calls += t.calls;
    row.errors += t.errors;
    row.unknownCostCalls += t.unknownCostCalls;
    row.localCalls += t.localCalls ?? 0;
    acc.cost += t.cost;
    acc.savings += t.savings;
    row.inputTokens += t.inputTokens;
    row.outputTokens += t.outputTokens;
    row.cacheReadTokens += t.cacheReadTokens;
    row.cacheWriteTokens += t.cacheWriteTokens;
  }
  const rows = [...groups.values()].map(({ row, cost, savings }) => ({ ...row, costUsd: femtoToUsd(cost), cacheSavingsUsd: femtoToUsd(savings) }));
  if (by === 'day') return rows.sort((a, b) => a.key.localeCompare(b.key));
  return rows.sort((a, b) => b.costUsd - a.costUsd || b.calls - a.calls || a.key.localeCompare(b.key));
}

export interface DailySeries {
  /** Every local day from the first record to the last, gaps included. */
  days: string[];
  /** One series per model, most expensive first (then most tokens). */
  series: Array<{ model: string; costUsd: number[]; tokens: number[] }>;
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return localDayKey(new Date(y, m - 1, d + 1, 12).getTime());
}

/** Cost and tokens (input + output) per model per day, for stacked charts. */
export function dailyByModel(source: ReportSource): DailySeries {
  return dailyByModelRows(rowsOf(source));
}

function dailyByModelRows(allRows: readonly TotalsRow[]): DailySeries {
  const rows = allRows.filter((r) => r.calls > 0);
  if (rows.length === 0) return { days: [], series: [] };
  const present = [...new Set(rows.map((r) => r.day))].sort();
  const days: string[] = [];
  for (let d = present[0]; d <= present[present.length - 1]; d = nextDay(d)) days.push(d);
  const index = new Map(days.map((d, i) => [d, i]));
  const models = new Map<string, { cost: Femto[]; tokens: number[] }>();
  for (const r of rows) {
    let s = models.get(r.model);
    if (!s) {
      s = { cost: days.map(() => 0n), tokens: days.map(() => 0) };
      models.set(r.model, s);
    }
    const i = index.get(r.day)!;
    s.cost[i] += r.cost;
    s.tokens[i] += r.inputTokens + r.outputTokens;
  }
  const series = [...models.entries()].map(([model, s]) => ({
    model,
    costUsd: s.cost.map(femtoToUsd),
    tokens: s.tokens,
    totalCost: s.cost.reduce((a, b) => a + b, 0n),
    totalTokens: s.tokens.reduce((a, b) => a + b, 0),
  }));
  series.sort((a, b) => (b.totalCost > a.totalCost ? 1 : b.totalCost < a.totalCost ? -1 : b.totalTokens - a.totalTokens || a.model.localeCompare(b.model)));
  return { days, series: series.map(({ model, costUsd, tokens }) => ({ model, costUsd, tokens })) };
}

export interface AcceptRateRow {
  model: string;
  /** Suggestions the user saw: outcomes shown, accepted, rejected. */
  shown: number;
  accepted: number;
  /** accepted / shown; null when nothing was shown. */
  rate: number | null;
  /** Served from the completion cache (not a model call; not in `shown`). */
  cacheHits: number;
  cancelled: number;
}

/** Inline-completion accept rate per model, from records with feature "completion". */
export function acceptRate(source: ReportSource): AcceptRateRow[] {
  return acceptRateRows(rowsOf(source));
}

function acceptRateRows(totals: readonly TotalsRow[]): AcceptRateRow[] {
  const rows = new Map<string, AcceptRateRow>();
  for (const t of totals) {
    if (t.outcomes === 0) continue;
    let row = rows.get(t.model);
    if (!row) rows.set(t.model, (row = { model: t.model, shown: 0, accepted: 0, rate: null, cacheHits: 0, cancelled: 0 }));
    row.shown += t.shown;
    row.accepted += t.accepted;
    row.cacheHits += t.cacheHits;
    row.cancelled += t.cancelled;
  }
  for (const row of rows.values()) row.rate = row.shown > 0 ? row.accepted / row.shown : null;
  return [...rows.values()].sort((a, b) => b.shown - a.shown || a.model.localeCompare(b.model));
}

/** A dollar amount in plain decimal notation with every significant digit ("0.0000009", never "9e-7"). */
export function usdDecimal(usd: number): string {
  const f = usdToFemto(usd);
  const neg = f < 0n;
  const digits = (neg ? -f : f).toString().padStart(16, '0');
  const whole = digits.slice(0, -15);
  const frac = digits.slice(-15).replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

function csvField(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_COLUMNS = [
  'time', 'trace_id', 'feature', 'task', 'status', 'outcome', 'workspace', 'provider', 'model', 'model_id', 'route', 'attempts',
  'error_class', 'input_tokens', 'uncached_input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens',
  'cost_usd', 'cache_savings_usd', 'latency_ms', 'ttft_ms',
] as const;

/** The CSV header line (no line end). */
export const csvHeader = (): string => CSV_COLUMNS.join(',');

/** One record as a CSV line (no line end); an empty cost cell = unknown price. */
export function csvRow(r: LedgerRecord): string {
  const failed = [...r.attempts].reverse().find((a) => a.status === 'error');
  const u = r.usage;
  const cells: Array<string | number | undefined | null> = [
    new Date(r.time).toISOString(), r.traceId, r.feature, r.task, r.status, r.outcome, r.workspace, r.provider, r.model, r.modelId,
    r.route.join(' > '), r.attempts.length, r.status === 'error' ? failed?.errorClass : undefined,
    u.inputTokens, Math.max(0, u.inputTokens - u.cacheReadTokens - u.cacheWriteTokens), u.cacheReadTokens, u.cacheWriteTokens, u.outputTokens,
    r.costUsd === null ? null : usdDecimal(r.costUsd), r.cacheSavingsUsd == null ? null : usdDecimal(r.cacheSavingsUsd),
    r.latencyMs, r.ttftMs,
  ];
  return cells.map(csvField).join(',');
}

/** RFC 4180 CSV: header row, one row per record, CRLF line ends; empty cost cell = unknown price. */
export function toCsv(records: readonly LedgerRecord[]): string {
  const lines = [csvHeader()];
  for (const r of records) lines.push(csvRow(r));
  return `${lines.join('\r\n')}\r\n`;
}

const mdCell = (text: string) => text.replace(/\|/g, '\\|');
const int = (n: number) => n.toLocaleString('en-US');

function costCell(row: AggregateRow): string {
  const cost = formatUsd(row.costUsd, { local: allLocal(row) });
  return row.unknownCostCalls > 0 ? `${cost} + ${row.unknownCostCalls} unknown` : cost;
}

function table(title: string, rows: AggregateRow[]): string[] {
  const out = [`### ${title}`, '', '| | Calls | Errors | Cost | Input tokens | Output tokens | Cache saved |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    out.push(`| ${mdCell(r.key)} | ${int(r.calls)} | ${int(r.errors)} | ${costCell(r)} | ${int(r.inputTokens)} | ${int(r.outputTokens)} | ${formatUsd(r.cacheSavingsUsd)} |`);
  }
  out.push('');
  return out;
}

/** A Markdown report: totals, budget, spend by model and by feature, completion accept rates. */
export function markdownSummary(source: ReportSource, budget?: BudgetState): string {
  const records = totalsOf(source);
  const anyCall = records.rows().some((r) => r.calls > 0);
  const out: string[] = ['## Switchyard usage', ''];
  if (!anyCall) {
    out.push('No model calls recorded yet.', '');
  } else {
    const days = aggregate(records, 'day');
    const total = aggregate(records, 'feature').reduce<AggregateRow & { femto: Femto; savings: Femto }>(
      (t, r) => ({
        ...t,
        calls: t.calls + r.calls,
        errors: t.errors + r.errors,
        unknownCostCalls: t.unknownCostCalls + r.unknownCostCalls,
        localCalls: t.localCalls + r.localCalls,
        inputTokens: t.inputTokens + r.inputTokens,
        outputTokens: t.outputTokens + r.outputTokens,
        cacheReadTokens: t.cacheReadTokens + r.cacheReadTokens,
        cacheWriteTokens: t.cacheWriteTokens + r.cacheWriteTokens,
        femto: t.femto + usdToFemto(r.costUsd),
        savings: t.savings + usdToFemto(r.cacheSavingsUsd),
      }),
      { key: 'total', calls: 0, errors: 0, costUsd: 0, unknownCostCalls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, cacheSavingsUsd: 0, localCalls: 0, femto: 0n, savings: 0n },
    );
    const period = days[0].key === days[days.length - 1].key ? days[0].key : `${days[0].key} to ${days[days.length - 1].key}`;
    out.push(`Period: ${period} (${days.length} day${days.length === 1 ? '' : 's'} with calls)`, '');
    out.push(`- Calls: ${int(total.calls)} (${int(total.errors)} failed)`);
    out.push(`- Cost: ${formatUsd(femtoToUsd(total.femto), { local: allLocal(total) })}${total.unknownCostCalls ? ` (+ ${total.unknownCostCalls} call${total.unknownCostCalls === 1 ? '' : 's'} with unknown price)` : ''}`);
    out.push(`- Tokens: ${int(total.inputTokens)} in (${int(total.cacheReadTokens)} cache reads, ${int(total.cacheWriteTokens)} cache writes), ${int(total.outputTokens)} out`);
    out.push(`- Saved by prompt caching: ${formatUsd(femtoToUsd(total.savings))}`, '');
  }
  if (budget) {
    const limit = (spent: number, lim?: number) => (lim === undefined ? `${formatUsd(spent)} (no limit)` : `${formatUsd(spent)} of ${formatUsd(lim)}`);
    out.push('### Budget', '');
    out.push(`- Today: ${limit(budget.dailySpentUsd, budget.dailyLimitUsd)}`);
    out.push(`- This month: ${limit(budget.monthlySpentUsd, budget.monthlyLimitUsd)}`);
    out.push(`- State: ${budget.level}${budget.message ? ` — ${budget.message}` : ''} (on exceed: ${budget.onExceed})`, '');
  }
  if (anyCall) {
    out.push(...table('By model', aggregate(records, 'model')));
    out.push(...table('By feature', aggregate(records, 'feature')));
    const rates = acceptRate(records);
    if (rates.length > 0) {
      out.push('### Inline completions', '', '| Model | Shown | Accepted | Accept rate |', '|---|---:|---:|---:|');
      for (const r of rates) out.push(`| ${mdCell(r.model)} | ${int(r.shown)} | ${int(r.accepted)} | ${r.rate === null ? '–' : `${(r.rate * 100).toFixed(1)}%`} |`);
      out.push('');
    }
  }
  return out.join('\n');
}
