/**
 * `Switchyard: Show Cost Report` (a markdown report of the usage ledger, with a CSV export) and
 * `Switchyard: Export Cost CSV`. The panel's Usage tab may take over the report later.
 */
import { createWriteStream } from 'node:fs';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { csvHeader, csvRow, markdownSummary, toCsv } from '../../core/cost/report';
import type { Ledger } from '../../core/cost/types';
import { registerSafeCommand, type HostServices } from '../hostServices';

const EXPORT_CSV = 'Export CSV…';

/** Streams the ledger as CSV into a local file (one batch in memory), or builds it for other file systems. */
async function writeCsv(ledger: Ledger, uri: vscode.Uri): Promise<number> {
  let count = 0;
  if (uri.scheme === 'file') {
    const out = createWriteStream(uri.fsPath);
    const done = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
    });
    const put = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
    await put(`${csvHeader()}\r\n`);
    for await (const batch of ledger.stream()) {
      count += batch.length;
      await put(`${batch.map(csvRow).join('\r\n')}\r\n`);
    }
    out.end();
    await done;
    return count;
  }
  const records = await ledger.read();
  await vscode.workspace.fs.writeFile(uri, Buffer.from(toCsv(records), 'utf8'));
  return records.length;
}

async function exportCostCsv(services: HostServices): Promise<vscode.Uri | undefined> {
  const today = new Date().toISOString().slice(0, 10);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
  const uri = await vscode.window.showSaveDialog({
    title: 'Switchyard: Export Cost CSV',
    defaultUri: vscode.Uri.joinPath(base, `switchyard-usage-${today}.csv`),
    filters: { CSV: ['csv'] },
  });
  if (!uri) return undefined;
  const count = await writeCsv(services.core.ledger, uri);
  const open = await vscode.window.showInformationMessage(`Switchyard: exported ${count} calls to ${uri.fsPath}.`, 'Open');
  if (open) await vscode.window.showTextDocument(uri);
  return uri;
}

export interface CostReportOptions {
  /** Opens the panel's Usage tab; without it the report opens as a markdown document. */
  showUsage?: () => Promise<void>;
}

/** The report as a markdown document, with a CSV export offered. */
async function showMarkdownCostReport(services: HostServices): Promise<void> {
  const core = services.core;
  const totals = await core.ledger.totals();
  await core.budget.ready();
  const markdown = markdownSummary(totals, core.budget.state());
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(doc, { preview: true });
  // Rendered view beside the source when the built-in markdown extension is there.
  void vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => undefined);
  const calls = totals.rows().reduce((n, r) => n + r.calls, 0);
  const action = await vscode.window.showInformationMessage(`Switchyard: ${calls} calls in the usage ledger.`, EXPORT_CSV);
  if (action === EXPORT_CSV) await exportCostCsv(services);
}

export function registerCostReport(services: HostServices, opts: CostReportOptions = {}): void {
  registerSafeCommand(services, 'switchyard.showCostReport', async () => {
    if (opts.showUsage) await opts.showUsage();
    else await showMarkdownCostReport(services);
  });
  registerSafeCommand(services, 'switchyard.exportCostCsv', async () => {
    await exportCostCsv(services);
  });
}
