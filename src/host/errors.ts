/** Turns any error into a VS Code notification with the action that fixes it. Never throws. */
import * as vscode from 'vscode';
import { ConfigError } from '../core/config/schema';
import type { Logger } from '../core/logger';
import { ModelError } from '../core/models/errors';
import type { AttemptRecord } from '../core/router/types';
import { openSettings } from './settings';

export const SET_API_KEY = 'Set API Key';
export const OPEN_SETTINGS = 'Open Settings';
const SHOW_LOG = 'Show Log';

/** True for errors the user fixes by (re)entering a provider's key. */
function isKeyProblem(error: { kind?: string; message?: string } | undefined): boolean {
  if (!error) return false;
  return error.kind === 'auth' || (error.kind === 'config' && /API key/i.test(error.message ?? ''));
}

/** True when an attempt failed because of its provider's key (rejected or missing). */
export function keyProblemOfAttempt(a: AttemptRecord): boolean {
  return a.errorClass === 'auth' || (a.errorClass === 'config' && /API key/i.test(a.reason ?? ''));
}

function errorText(error: unknown): string {
  if (error instanceof ModelError) return error.fix && !error.message.includes(error.fix) ? `${error.message} ${error.fix}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export interface ErrorNotifier {
  (error: unknown, context?: string): void;
}

export function createErrorNotifier(logger: Logger, output: vscode.OutputChannel): ErrorNotifier {
  return (error, context) => {
    try {
      const prefix = context ? `Switchyard (${context}): ` : 'Switchyard: ';
      const text = errorText(error);
      logger.error(`${prefix}${text}${error instanceof Error && !(error instanceof ModelError) && error.stack ? `\n${error.stack}` : ''}`);
      if (error instanceof ConfigError) {
        void vscode.window.showErrorMessage(`${prefix}${text}`, OPEN_SETTINGS).then((a) => (a ? openSettings() : undefined));
        return;
      }
      if (error instanceof ModelError && isKeyProblem(error)) {
        void vscode.window
          .showErrorMessage(`${prefix}${text}`, SET_API_KEY)
          .then((a) => (a ? vscode.commands.executeCommand('switchyard.setApiKey', error.provider ? { provider: error.provider } : undefined) : undefined));
        return;
      }
      if (error instanceof ModelError && error.kind === 'config') {
        void vscode.window.showErrorMessage(`${prefix}${text}`, OPEN_SETTINGS).then((a) => (a ? openSettings() : undefined));
        return;
      }
      void vscode.window.showErrorMessage(`${prefix}${text}`, SHOW_LOG).then((a) => (a ? output.show(true) : undefined));
    } catch {
      // Reporting must never be the thing that fails.
    }
  };
}
