/** The host's Logger: core and host code log through it into the "Switchyard" Output channel. */
import type * as vscode from 'vscode';
import type { Logger } from '../core/logger';

export function createOutputLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    debug: (message) => channel.debug(message),
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
  };
}
