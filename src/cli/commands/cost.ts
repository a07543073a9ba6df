/** `switchyard cost`: spend from the usage ledger, grouped by day, model, feature or provider, or as CSV. */
import { localDayKey } from '../../core/cost/budget';
import { aggregateRows, allLocal, csvHeader, csvRow } from '../../core/cost/report';
import { femtoToUsd, formatUsd, usdToFemto } from '../../core/cost/money';
import type { CliCommand } from '../types';
import { parseCommandArgs, table, UsageError, write } from '../util';

const GROUPS = ['day', 'model', 'feature', 'provider'] as const;
type Group = (typeof GROUPS)[number];

/** "2026-11-01" → local midnight of that day, in ms. */
export function parseSince(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).getDate() !== Number(m[3])) throw new UsageError(`cost: --since must be a date like 2026-11-01, got "${value}".`);
  return ms;
}

export const command: CliCommand = {
  name: 'cost',
  usage: 'cost [--since YYYY-MM-DD] [--by day|model|feature|provider] [--csv] [--config F]   spend from the usage ledger',
  async run(argv, io, loadCore) {
    const { values } = parseCommandArgs('cost', argv, {
      since: { type: 'string' },
      by: { type: 'string', default: 'day' },
      csv: { type: 'boolean', default: false },
      config: { type: 'string' },
    });
    if (!GROUPS.includes(values.by as Group)) throw new UsageError(`cost: --by must be one of ${GROUPS.join(', ')}, got "${values.by}".`);
    const sinceMs = values.since === undefined ? undefined : parseSince(values.since);
    const core = await loadCore(values.config);
    if (values.csv) {
      // Streams: one batch of records and its CSV text in memory at a time, whatever the ledger's size.
      await write(io.stdout, `${csvHeader()}\r\n`);
      for await (const batch of core.ledger.stream(sinceMs === undefined ? undefined : { sinceMs })) {
        await write(io.stdout, `${batch.map(csvRow).join('\r\n')}\r\n`);
      }
      return 0;
    }
    // Reports come from the per-day totals index: it reads only what was appended since it was saved.
    const totals = await core.ledger.totals();
    const rows = aggregateRows(totals.rows(sinceMs === undefined ? {} : { sinceDay: localDayKey(sinceMs) }), values.by as Group);
    const calls = rows.reduce((s, r) => s + r.calls, 0);
    if (calls === 0) {
      io.stderr.write(`No calls in the ledger${values.since ? ` since ${values.since}` : ''} (${core.dataDir}).\n`);
      return 0;
    }
    const cells = rows.map((r) => [r.key, String(r.calls), String(r.inputTokens), String(r.outputTokens), formatUsd(r.costUsd, { local: allLocal(r) }) + (r.unknownCostCalls ? ` (+${r.unknownCostCalls} unknown)` : '')]);
    const total = femtoToUsd(rows.reduce((s, r) => s + usdToFemto(r.costUsd), 0n));
    const unknown = rows.reduce((s, r) => s + r.unknownCostCalls, 0);
    const local = rows.reduce((s, r) => s + r.localCalls, 0);
    await write(io.stdout, table([values.by.toUpperCase(), 'CALLS', 'INPUT TOKENS', 'OUTPUT TOKENS', 'COST'], cells, [1, 2, 3, 4]));
    await write(io.stdout, `Total ${formatUsd(total, { local: allLocal({ calls, localCalls: local }) })} over ${calls} calls${unknown ? `; ${unknown} calls of models with unknown price are not included` : ''}.\n`);
    await core.budget.ready();
    const budget = core.budget.state();
    if (budget.message) await write(io.stdout, `${budget.message}\n`);
    return 0;
  },
};
