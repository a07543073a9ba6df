/** The Usage tab: spend from the ledger's per-day totals, refreshed after calls while it is on screen; CSV / Markdown export; the spend caps. */
import * as vscode from 'vscode';
import { markdownSummary, toCsv } from '../../../core/cost/report';
import type { HostServices } from '../../hostServices';
import { targetFor, valueAt } from '../../settings';
import type { Connection, PanelConnections } from '../connections';
import { buildUsageView, inRange, rangeDays } from '../usageView';
import type { AreaHandlers } from './types';

/** Waits this long after a call before refreshing, so a burst of calls costs one refresh. */
const REFRESH_DELAY_MS = 1000;

/** Which pages show the Usage tab (and for how many days), and their refresh after each call. */
export class UsageFeed {
  private readonly rangeOf = new Map<Connection, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly services: HostServices,
    private readonly connections: PanelConnections,
  ) {}

  /** Sends the Usage tab's data to `conn` and keeps it fresh after calls. */
  watch(conn: Connection, days: number): Promise<void> {
    this.rangeOf.set(conn, days);
    return this.send(conn, days);
  }

  /** The page closed the tab, was hidden or went away. */
  unwatch(conn: Connection): void {
    this.rangeOf.delete(conn);
  }

  /** After a call: one refresh soon, only for pages on screen (a hidden one asks again when shown). */
  callFinished(): void {
    if (this.rangeOf.size === 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      for (const [conn, days] of this.rangeOf) if (conn.visible()) void this.send(conn, days);
    }, REFRESH_DELAY_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.rangeOf.clear();
  }

  /** From the ledger's per-day totals: each refresh reads only what was appended since the last one. */
  private async send(conn: Connection, days: number): Promise<void> {
    const core = this.services.core;
    const nowMs = core.clock.now();
    const totals = await core.ledger.totals();
    await core.budget.ready();
    const usage = buildUsageView(totals, {
      nowMs,
      rangeDays: days,
      budget: core.budget.state(),
      prices: { asOf: core.catalog.version, source: core.catalog.source },
      caps: { maxTurnUsd: core.config.cost?.maxTurnUsd, maxConversationUsd: core.config.cost?.maxConversationUsd },
    });
    this.connections.post(conn, { type: 'usage/data', usage });
  }
}

async function exportUsage(services: HostServices, format: 'csv' | 'markdown', rangeDayCount: number): Promise<void> {
  const core = services.core;
  const nowMs = core.clock.now();
  if (format === 'markdown') {
    const days = new Set(rangeDays(nowMs, rangeDayCount));
    await core.budget.ready();
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdownSummary((await core.ledger.totals()).within({ days }), core.budget.state()) });
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Active });
    return;
  }
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(core.dataDir);
  const uri = await vscode.window.showSaveDialog({
    title: 'Switchyard: Export usage CSV',
    defaultUri: vscode.Uri.joinPath(base, `switchyard-usage-${new Date(nowMs).toISOString().slice(0, 10)}.csv`),
    filters: { CSV: ['csv'] },
  });
  if (!uri) return;
  const records = inRange(await core.ledger.read({ sinceMs: nowMs - (rangeDayCount + 1) * 86_400_000 }), nowMs, rangeDayCount);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(toCsv(records), 'utf8'));
  void vscode.window.showInformationMessage(`Switchyard: exported ${records.length} calls to ${uri.fsPath}.`);
}

export const usageHandlers = {
  'usage/request': (panel, conn, msg) => panel.usage.watch(conn, msg.rangeDays),

  'usage/close': (panel, conn) => panel.usage.unwatch(conn),

  'usage/export': (panel, _conn, msg) => exportUsage(panel.services, msg.format, msg.rangeDays),

  /** The Usage tab's spend caps, written to switchyard.cost at the level that currently wins (null clears one). */
  'cost/setCaps': async (panel, conn, msg) => {
    const target = targetFor('cost');
    const current: Record<string, unknown> = { ...(valueAt<Record<string, unknown>>('cost', target) ?? {}) };
    for (const key of ['maxTurnUsd', 'maxConversationUsd'] as const) {
      if (msg[key] === null) delete current[key];
      else current[key] = msg[key];
    }
    await vscode.workspace.getConfiguration('switchyard').update('cost', Object.keys(current).length ? current : undefined, target);
    panel.connections.post(conn, { type: 'toast', level: 'info', text: 'Spend caps saved (switchyard.cost).' });
  },
} satisfies AreaHandlers;
