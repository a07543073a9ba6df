/** The status bar item: the active chat model and today's spend; budget level as its colour. */
import * as vscode from 'vscode';
import type { AppServices } from '../core/app';
import type { BudgetState } from '../core/cost/budget';
import { formatUsd } from '../core/cost/money';
import type { HostServices } from './hostServices';
import { onLedgerWriteFailure } from './ledgerAlerts';

/** Other windows and the CLI append to the same ledger: re-read it now and then. */
const RELOAD_SPEND_MS = 5 * 60_000;

export interface StatusView {
  text: string;
  tooltip: string;
  level: BudgetState['level'];
  /** Switch Model; Add Model while no chat model is set up. */
  command: string;
}

/** What the item shows for a core (pure, so it is easy to reason about). */
export function statusView(core: AppServices, configProblem: string | undefined): StatusView {
  const { config } = core;
  // The configured head, even while a breaker or the budget would skip it: the item names the
  // model the user chose (the fallback that answers instead is in the answer and its trace).
  const head = core.router.resolve('chat').candidates[0];
  const active = head?.name;
  const pinned = head?.pinned === true;
  const budget = core.budget.state();
  const model = active ?? 'no model';
  const ledgerFailure = core.ledger.writeFailure?.();
  const spend = `${formatUsd(budget.dailySpentUsd)}${ledgerFailure ? ' (incomplete)' : ''}`;
  const text = `${configProblem || ledgerFailure ? '$(warning)' : active ? '$(sparkle)' : '$(add)'} ${model}${pinned ? ' $(pinned)' : ''} · ${spend}`;
  const lines = [
    `Switchyard — chat: ${active ? `${active}${pinned ? ' (pinned)' : ' (route head)'}` : 'no model configured'}`,
  ];
  for (const task of Object.keys(config.routes)) {
    if (task !== 'chat') lines.push(`${task}: ${core.router.resolve(task).candidates[0]?.name ?? '—'}`);
  }
  const limit = (v?: number) => (v === undefined ? '' : ` of ${formatUsd(v)}`);
  lines.push(`Today: ${formatUsd(budget.dailySpentUsd)}${limit(budget.dailyLimitUsd)} · This month: ${formatUsd(budget.monthlySpentUsd)}${limit(budget.monthlyLimitUsd)}`);
  if (budget.message) lines.push(budget.message);
  if (ledgerFailure) lines.push(`Spend is incomplete: ${ledgerFailure.lostRecords} call(s) not recorded. ${ledgerFailure.message} ${ledgerFailure.fix}`);
  if (configProblem) lines.push(`Settings problem (using the last valid settings): ${configProblem.split('\n')[0]}`);
  lines.push(active ? 'Click to switch model' : 'Click to add a model (local server, OpenAI / Anthropic key, or a Continue import)');
  return { text, tooltip: lines.join('\n'), level: budget.level, command: active ? 'switchyard.switchModel' : 'switchyard.addModel' };
}

export function registerStatusBar(services: HostServices): void {
  const item = vscode.window.createStatusBarItem('switchyard.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Switchyard';
  item.command = 'switchyard.switchModel';
  const update = () => {
    try {
      const view = statusView(services.core, services.configProblem);
      item.text = view.text;
      item.command = view.command;
      item.tooltip = view.tooltip;
      item.backgroundColor =
        view.level === 'exceeded' ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.level === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
      item.show();
    } catch (err) {
      services.logger.warn(`Status bar update failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const timer = setInterval(() => {
    void services.core.budget.load().then(update, () => undefined);
  }, RELOAD_SPEND_MS);
  // The spend is read lazily: show the item now, the amounts once the ledger's totals are in.
  void services.core.budget.ready().then(update);
  services.context.subscriptions.push(
    item,
    services.onDidChangeCore(update),
    services.onDidFinishCall(update),
    services.onDidChangeConfigProblem(update),
    onLedgerWriteFailure(services, update),
    { dispose: () => clearInterval(timer) },
  );
  update();
}
