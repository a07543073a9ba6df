/** The logging seam: core code logs through this; the host writes it to an Output channel. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /**
   * The logger for one component (e.g. the Chroma server), which a host may route apart (its own
   * Output channel). Optional so any four-method logger is a Logger: `scopedLogger` falls back to tagging.
   */
  scoped?(scope: string): Logger;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** `logger`'s logger for component `scope`: its own when it routes scopes, else its lines tagged `[scope]`. */
export function scopedLogger(logger: Logger, scope: string): Logger {
  if (logger.scoped) return logger.scoped(scope);
  const tag = (line: string) => `[${scope}] ${line}`;
  return {
    debug: (m) => logger.debug(tag(m)),
    info: (m) => logger.info(tag(m)),
    warn: (m) => logger.warn(tag(m)),
    error: (m) => logger.error(tag(m)),
  };
}
