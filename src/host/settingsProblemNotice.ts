/**
 * The "Switchyard settings" error notification: at most one on screen, replaced when another
 * problem comes, closed as soon as the settings are valid again. showErrorMessage cannot be closed
 * by an extension (microsoft/vscode#48960), a notification-located progress can: it stays until
 * its promise settles, and its message carries an "Open Settings" command link.
 */
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from './settings';

const SETTINGS_PROBLEM_TITLE = 'Switchyard settings';

/** A command link that opens the Settings UI on one switchyard.* key (or on the extension's settings). */
function openSettingsLink(firstKey: string | undefined): string {
  const query = firstKey ? `${SETTINGS_SECTION}.${firstKey}` : '@ext:switchyard-dev.switchyard';
  return `[Open Settings](command:workbench.action.openSettings?${encodeURIComponent(JSON.stringify([query]))})`;
}

export class SettingsProblemNotice implements vscode.Disposable {
  private open?: { progress: vscode.Progress<{ message?: string }>; close: () => void; text: string };

  /** Shows the problem, or replaces the text of the one already shown. */
  show(text: string, firstKey: string | undefined): void {
    const message = `${text} ${openSettingsLink(firstKey)}`;
    if (this.open) {
      if (this.open.text !== message) this.open.progress.report({ message });
      this.open.text = message;
      return;
    }
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: SETTINGS_PROBLEM_TITLE, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          const entry = { progress, text: message, close: resolve };
          this.open = entry;
          progress.report({ message });
          // The user closed it: the next problem shows a new one.
          token.onCancellationRequested(() => {
            if (this.open === entry) this.open = undefined;
            resolve();
          });
        }),
    );
  }

  /** The settings are valid again: the notification goes away. */
  clear(): void {
    const entry = this.open;
    this.open = undefined;
    entry?.close();
  }

  dispose(): void {
    this.clear();
  }
}
