import assert from 'node:assert/strict';
import { BudgetTracker, localDayKey } from '../../src/core/cost/budget';
import type { LedgerRecord } from '../../src/core/cost/types';
import { MemoryLedger } from '../support/memoryLedger';

/** Local-time instant (the budget counts local days and months). */
const at = (month: number, day: number, hour = 12, minute = 0) => new Date(2026, month - 1, day, hour, minute).getTime();

function rec(timeMs: number, costUsd: number | null): LedgerRecord {
  return {
    v: 1, traceId: `t${timeMs}`, time: new Date(timeMs).toISOString(), feature: 'chat', task: 'chat', route: [], attempts: [],
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd, status: 'ok', latencyMs: 1,
  };
}

describe('cost: BudgetTracker', () => {
  it('load() sums today and this month (local time) from the ledger, ignoring unknown costs and other months', async () => {
    const ledger = new MemoryLedger([
      rec(at(10, 31, 23, 59), 5), // previous month
      rec(at(11, 1, 0, 0), 0.1),
      rec(at(11, 23, 23, 59), 0.2),
      rec(at(11, 24, 0, 0), 0.3),
      rec(at(11, 24, 9), null),
      rec(at(11, 24, 10), 0.4),
    ]);
    let now = at(11, 24, 15);
    const budget = new BudgetTracker({ dailyUsd: 10, monthlyUsd: 100, onExceed: 'warn' }, ledger, { now: () => now });
    await budget.load();
    const s = budget.state();
    assert.equal(s.dailySpentUsd, 0.7); // 0.3 + 0.4, exactly
    assert.equal(s.monthlySpentUsd, 1); // 0.1 + 0.2 + 0.3 + 0.4
    assert.equal(s.level, 'ok');
    assert.equal(s.message, undefined);
    assert.equal(s.dailyLimitUsd, 10);
    assert.equal(s.monthlyLimitUsd, 100);

    // Day roll-over: tomorrow starts at 0, the month keeps counting.
    now = at(11, 25, 0, 1);
    assert.equal(budget.state().dailySpentUsd, 0);
    assert.equal(budget.state().monthlySpentUsd, 1);
    // Month roll-over.
    now = at(12, 1, 0, 0);
    assert.deepEqual([budget.state().dailySpentUsd, budget.state().monthlySpentUsd], [0, 0]);
  });

  it('add() counts new calls; warning at 80 %, exceeded at 100 % of a limit', () => {
    let now = at(11, 24, 9);
    const budget = new BudgetTracker({ dailyUsd: 1, onExceed: 'block' }, new MemoryLedger(), { now: () => now });
    budget.add(0.79);
    assert.equal(budget.state().level, 'ok');
    budget.add(0.01);
    let s = budget.state();
    assert.equal(s.level, 'warning');
    assert.equal(s.dailySpentUsd, 0.8);
    assert.match(s.message!, /Daily budget at 80%: \$0\.80 of \$1\.00 spent today/);
    budget.add(null); // unknown price: nothing to count
    budget.add(0.2);
    s = budget.state();
    assert.equal(s.level, 'exceeded');
    assert.equal(s.onExceed, 'block');
    assert.match(s.message!, /Daily budget exceeded: \$1\.00 of \$1\.00 spent today\./);
    now = at(11, 25, 9);
    assert.equal(budget.state().level, 'ok', 'a new day resets the daily budget');
  });

  it('the monthly limit and an explicit time both count; exceeded outranks warning', () => {
    const now = at(11, 24, 9);
    const budget = new BudgetTracker({ dailyUsd: 10, monthlyUsd: 20, onExceed: 'cheapest' }, new MemoryLedger(), { now: () => now });
    budget.add(12, at(11, 3));
    budget.add(8.5, at(11, 24, 8));
    const s = budget.state();
    assert.equal(s.dailySpentUsd, 8.5);
    assert.equal(s.monthlySpentUsd, 20.5);
    assert.equal(s.level, 'exceeded');
    assert.equal(s.onExceed, 'cheapest');
    assert.match(s.message!, /^Monthly budget exceeded: \$20\.50 of \$20\.00 spent this month\.$/);
  });

  it('no limits → always ok', () => {
    const budget = new BudgetTracker({ onExceed: 'warn' }, new MemoryLedger(), { now: () => at(11, 24) });
    budget.add(1e6);
    assert.equal(budget.state().level, 'ok');
    assert.equal(budget.state().dailyLimitUsd, undefined);
  });

  it('day keys are local calendar days', () => {
    assert.equal(localDayKey(at(1, 5, 0, 0)), '2026-01-05');
    assert.equal(localDayKey(at(12, 31, 23, 59)), '2026-12-31');
  });
});
