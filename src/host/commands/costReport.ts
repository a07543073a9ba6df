/**
 * `Switchyard: Show Cost Report` (a markdown report of the usage ledger, with a CSV export) and
 * `Switchyard: Export Cost CSV`. The panel's Usage tab may take over the report later.
 */
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { markdownSummary, toCsv } from '../../core/cost/report';
import { registerSafeCommand, type HostServices } from '../hostServices';

const EXPORT_CSV = 'Export CSV…';

export async function exportCostCsv(services: HostServices): Promise<vscode.Uri | undefined> {
  const records = await services.core.ledger.read();
  const today = new Date().toISOString().slice(0, 10);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
  const uri = await vscode.window.showSaveDialog({
    title: 'Switchyard: Export Cost CSV',
    defaultUri: vscode.Uri.joinPath(base, `switchyard-usage-${today}.csv`),
    filters: { CSV: ['csv'] },
  });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(toCsv(records), 'utf8'));
  const open = await vscode.window.showInformationMessage(`Switchyard: exported ${records.length} calls to ${uri.fsPath}.`, 'Open');
  if (open) await vscode.window.showTextDocument(uri);
  return uri;
}

export interface CostReportOptions {
  /** Opens the panel's Usage tab; without it the report opens as a markdown document. */
  showUsage?: () => Promise<void>;
}

/** The report as a markdown document, with a CSV export offered. */
export async function showMarkdownCostReport(services: HostServices): Promise<void> {
  const core = services.core;
  const records = await core.ledger.read();
  const markdown = markdownSummary(records, core.budget.state());
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(doc, { preview: true });
  // Rendered view beside the source when the built-in markdown extension is there.
  void vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => undefined);
  const action = await vscode.window.showInformationMessage(`Switchyard: ${records.length} calls in the usage ledger.`, EXPORT_CSV);
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
