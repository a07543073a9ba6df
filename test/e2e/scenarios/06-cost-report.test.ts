/** Cost report: after the calls above, Show Cost Report shows non-zero spend for the paid model; the CSV export matches the ledger. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2e, models } from '../hooks';
import { panelFrame } from '../panel';

interface LedgerLine {
  traceId: string;
  model: string | null;
  modelId: string | null;
  costUsd: number | null;
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
  it('Show Cost Report shows non-zero spend for the paid fake model', async () => {
    const { session } = e2e();
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
    assert.ok(amounts.some((a) => a > 0), `the paid model's row shows a non-zero spend: ${paid}`);
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
    const rows = lines.slice(1).map(csvCells).map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
    assert.equal(rows.length, ledger.length, 'one CSV row per ledger record');
    assert.ok(ledger.length >= 3, `the scenarios above made calls (ledger has ${ledger.length})`);
    const traceCol = header.find((h) => /trace/i.test(h))!;
    const costCol = header.find((h) => /^cost/i.test(h))!;
    for (const [i, rec] of ledger.entries()) {
      assert.equal(rows[i][traceCol], rec.traceId, `row ${i + 1} trace id`);
      const csvCost = rows[i][costCol];
      if (rec.costUsd === null) assert.equal(csvCost, '', `row ${i + 1}: unknown cost stays empty`);
      else assert.ok(Math.abs(Number(csvCost) - rec.costUsd) < 1e-9, `row ${i + 1} cost ${csvCost} vs ledger ${rec.costUsd}`);
    }
    assert.ok(ledger.some((r) => r.modelId === models.paid && (r.costUsd ?? 0) > 0), 'the ledger holds a paid call with a cost');
  });
});
