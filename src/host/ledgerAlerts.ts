/**
 * Says where the user looks when spending could not be recorded (read-only data folder, a file in
 * the way, disk full): one notification naming the file and the fix; the status bar marks the
 * spend as incomplete (statusBar.ts reads the ledger's failure).
 */
import * as vscode from 'vscode';
import type { LedgerWriteFailure } from '../core/cost/ledgerFailure';
import type { HostServices } from './hostServices';

/** Calls `listener` on every failed ledger append of the current core, following core rebuilds. */
export function onLedgerWriteFailure(services: HostServices, listener: (failure: LedgerWriteFailure) => void): vscode.Disposable {
  let unsubscribe = services.core.ledger.onWriteFailure?.(listener);
  const follow = services.onDidChangeCore((core) => {
    unsubscribe?.();
    unsubscribe = core.ledger.onWriteFailure?.(listener);
  });
  return { dispose: () => { unsubscribe?.(); follow.dispose(); } };
}

export function registerLedgerAlerts(services: HostServices): void {
  const notified = new Set<string>();
  services.context.subscriptions.push(onLedgerWriteFailure(services, (failure) => {
    services.logger.error(`${failure.message} ${failure.fix}`);
    const key = `${failure.path}|${failure.code ?? ''}`;
    if (notified.has(key)) return; // one notification per cause, not one per call
    notified.add(key);
    void vscode.window.showErrorMessage(`Switchyard: ${failure.message} ${failure.fix} Until then the spend shown is incomplete and budgets cannot count these calls.`);
  }));
}
