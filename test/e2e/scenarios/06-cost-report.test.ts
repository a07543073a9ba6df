/**
 * Cost report, self-contained: the scenario makes its own paid call (known token counts), Show Cost
 * Report shows its spend, and the exported CSV matches the ledger in every column of every row.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2e, models } from '../hooks';
import { askInPanel, panelFrame } from '../panel';

interface LedgerLine {
  traceId: string;
  time: string;
  feature: string;
  task: string;
  status: string;
  outcome?: string;
  workspace?: string;
  provider?: string;
  model?: string;
  modelId?: string;
  route: string[];
  attempts: Array<{ status: string; errorClass?: string }>;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
  costUsd: number | null;
  cacheSavingsUsd?: number | null;
  latencyMs: number;
  ttftMs?: number;
}

/** This scenario's own paid call: fake-paid is priced $3 in / $15 out per million tokens (hooks.ts). */
const OWN_CALL = { inputTokens: 1200, outputTokens: 300 };
const OWN_COST = (OWN_CALL.inputTokens * 3 + OWN_CALL.outputTokens * 15) / 1e6;

/**
 * What each CSV column must hold for a ledger record, written from the column's meaning (not from
 * the exporter's code). Costs compare as numbers; everything else as text.
 */
function expectedCells(r: LedgerLine): Record<string, string | { usd: number | null | undefined }> {
  const lastFailed = [...r.attempts].reverse().find((a) => a.status === 'error');
  const u = r.usage;
  return {
    time: new Date(r.time).toISOString(),
    trace_id: r.traceId,
    feature: r.feature,
    task: r.task,
    status: r.status,
    outcome: r.outcome ?? '',
    workspace: r.workspace ?? '',
    provider: r.provider ?? '',
    model: r.model ?? '',
    model_id: r.modelId ?? '',
    route: r.route.join(' > '),
    attempts: String(r.attempts.length),
    error_class: r.status === 'error' ? lastFailed?.errorClass ?? '' : '',
    input_tokens: String(u.inputTokens),
    uncached_input_tokens: String(Math.max(0, u.inputTokens - u.cacheReadTokens - u.cacheWriteTokens)),
    cache_read_tokens: String(u.cacheReadTokens),
    cache_write_tokens: String(u.cacheWriteTokens),
    output_tokens: String(u.outputTokens),
    cost_usd: { usd: r.costUsd },
    cache_savings_usd: { usd: r.cacheSavingsUsd },
    latency_ms: String(r.latencyMs),
    ttft_ms: r.ttftMs === undefined ? '' : String(r.ttftMs),
  };
}

/** Splits one CSV line (RFC 4180 quoting). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') cells.push(cur), (cur = '');
    else cur += ch;
  }
  cells.push(cur);
  return cells;
}

describe('e2e: cost report', () => {
  let ownTraceCount = 0;

  before(async () => {
    const { session, fake } = e2e();
    await fake.script(models.paid, [{ type: 'text', text: 'Priced answer for the cost report.', usage: OWN_CALL }]);
    const answer = await askInPanel(session, 'A question whose cost the report must show');
    assert.equal(answer.error, '', `the paid call answered: ${answer.error}`);
    ownTraceCount = 1;
  });

  it('Show Cost Report shows the spend of the paid fake model', async () => {
    const { session } = e2e();
    assert.equal(ownTraceCount, 1);
    await session.runCommandById('switchyard.showCostReport');
    const frame = panelFrame(session);
    const rows = frame.locator('#panel-usage table.grid tbody tr');
    await rows.first().waitFor({ timeout: 30_000 });
    await session.page.waitForTimeout(500);
    const texts = await rows.allInnerTexts();
    await session.screenshot('cost-report-usage');
    const paid = texts.find((t) => new RegExp(`^(paid|${models.paid})\\b`).test(t.trim()));
    assert.ok(paid, `no row for the paid model in:\n${texts.join('\n')}`);
    const amounts = [...paid.matchAll(/\$([0-9.,]+)/g)].map((m) => Number(m[1].replace(/,/g, '')));
    // At least this scenario's own call (earlier scenarios may have added to the same model).
    assert.ok(amounts.some((a) => a >= OWN_COST - 1e-9), `the paid model's row shows at least $${OWN_COST}: ${paid}`);
  });

  it('Export Cost CSV writes a file whose rows match the ledger', async () => {
    const { session } = e2e();
    const ledgerFile = join(session.globalStorageDir(), 'ledger.jsonl');
    assert.ok(existsSync(ledgerFile), `ledger at ${ledgerFile}`);
    await session.clearNotifications();
    await session.runCommandById('switchyard.exportCostCsv');
    // The web workbench's save dialog is a quick input holding the proposed path: accept it.
    const input = session.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // It proposes switchyard-usage-<date>.csv in the workspace (filled in once the folder is read).
    let proposed = await input.inputValue();
    for (let i = 0; i < 25 && !proposed.endsWith('.csv'); i++) {
      await session.page.waitForTimeout(200);
      proposed = await input.inputValue();
    }
    await session.screenshot('cost-report-save-dialog');
    assert.match(proposed, /switchyard-usage-\d{4}-\d{2}-\d{2}\.csv$/, `the save dialog proposes a dated CSV name: "${proposed}"`);
    await session.page.keyboard.press('Enter');
    const n = await session.waitForNotification(/exported \d+ calls to/);
    await session.screenshot('cost-report-csv-exported');
    const csvPath = n.text.match(/to (\/\S+\.csv)/)?.[1];
    assert.ok(csvPath && existsSync(csvPath), `CSV path from the notification: ${n.text}`);

    const ledger = readFileSync(ledgerFile, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as LedgerLine);
    const lines = readFileSync(csvPath, 'utf8').split(/\r?\n/).filter((l) => l);
    const header = csvCells(lines[0]);
    assert.deepEqual(header, Object.keys(expectedCells(ledger[0])), 'the CSV has exactly the documented columns, in order');
    const rows = lines.slice(1).map(csvCells);
    assert.equal(rows.length, ledger.length, 'one CSV row per ledger record');
    for (const [i, rec] of ledger.entries()) {
      const expected = expectedCells(rec);
      assert.equal(rows[i].length, header.length, `row ${i + 1}: ${rows[i].length} cells`);
      for (const [c, column] of header.entries()) {
        const want = expected[column];
        const got = rows[i][c];
        if (typeof want === 'string') assert.equal(got, want, `row ${i + 1} (${rec.traceId}), column ${column}`);
        else if (want.usd === null || want.usd === undefined) assert.equal(got, '', `row ${i + 1}, column ${column}: unknown stays empty`);
        else assert.ok(got !== '' && Math.abs(Number(got) - want.usd) < 1e-12, `row ${i + 1}, column ${column}: ${got} vs ledger ${want.usd}`);
      }
    }
    // This scenario's own call is there, priced exactly.
    const own = ledger.filter((r) => r.modelId === models.paid && r.usage.inputTokens === OWN_CALL.inputTokens && r.usage.outputTokens === OWN_CALL.outputTokens);
    assert.ok(own.some((r) => r.costUsd !== null && Math.abs(r.costUsd - OWN_COST) < 1e-12), `own call at $${OWN_COST}: ${JSON.stringify(own.map((r) => r.costUsd))}`);
  });
});
