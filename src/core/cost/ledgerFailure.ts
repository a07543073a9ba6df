/**
 * A ledger append that did not reach the disk, in words a user can act on: which file, what went
 * wrong (read-only folder, a file where a folder should be, disk full) and the fix.
 */
import { dirname } from 'node:path';

export interface LedgerWriteFailure {
  /** The ledger file that could not be written. */
  path: string;
  /** errno code when there is one (EROFS, EACCES, ENOTDIR, ENOSPC, …). */
  code?: string;
  message: string;
  fix: string;
  /** Records not written since the failure began. */
  lostRecords: number;
}

export function describeLedgerFailure(err: unknown, path: string, lostRecords: number): LedgerWriteFailure {
  const code = (err as NodeJS.ErrnoException)?.code;
  const dir = dirname(path);
  const where = 'the data folder (VS Code: the extension\'s global storage; CLI: SWITCHYARD_DATA_DIR)';
  const [message, fix] =
    code === 'EROFS' || code === 'EACCES' || code === 'EPERM'
      ? [`${dir} is not writable (${code})`, `Make ${dir} writable, or point ${where} at a writable folder.`]
      : code === 'ENOTDIR' || code === 'EEXIST'
        ? [`a part of ${path} is a file, not a folder (${code})`, `Move that file away, or point ${where} at a folder.`]
        : code === 'ENOSPC' || code === 'EDQUOT'
          ? [`the disk holding ${path} is full (${code})`, `Free space on that disk; spending is recorded again once a write succeeds.`]
          : code === 'EISDIR'
            ? [`${path} is a folder, not a file (${code})`, `Remove or rename that folder.`]
            : [`${err instanceof Error ? err.message : String(err)}`, `Check that ${path} can be written.`];
  return { path, ...(code ? { code } : {}), message: `Spending could not be recorded in ${path}: ${message}.`, fix, lostRecords };
}
