/** The host's Logger: core and host code log through it into the "Switchyard" Output channel. */
import type * as vscode from 'vscode';
import { scopedLogger, type Logger } from '../core/logger';

export function createOutputLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    debug: (message) => channel.debug(message),
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
  };
}

/** `logger`, except that the component `scope` logs to `target` (e.g. its own Output channel). */
export function routeScope(logger: Logger, scope: string, target: Logger): Logger {
  return {
    debug: (m) => logger.debug(m),
    info: (m) => logger.info(m),
    warn: (m) => logger.warn(m),
    error: (m) => logger.error(m),
    scoped: (name) => (name === scope ? target : scopedLogger(logger, name)),
  };
}
