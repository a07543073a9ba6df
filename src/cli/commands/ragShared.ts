/** What `switchyard index` and `switchyard search` share: opening the workspace index the CLI's way. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppServices } from '../../core/app';
import { openWorkspaceRag, workspaceKey, type WorkspaceRag } from '../../core/rag/workspace';
import type { CliIO } from '../types';
import { UsageError } from '../util';

export function workspaceDir(dir: string | undefined, io: CliIO): string {
  const root = resolve(io.cwd, dir ?? '.');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`--dir "${dir}" is not a directory.`);
  return root;
}

/** The index lives in <data dir>/rag/<folder name>-<hash of its path>/ (lexical index, manifest, local Chroma data). */
export function openCliRag(core: AppServices, root: string, io: CliIO): WorkspaceRag {
  const token = io.env[core.config.rag.chromaTokenEnv];
  return openWorkspaceRag({
    root,
    storageDir: join(core.dataDir, 'rag', workspaceKey(root)),
    config: core.config,
    logger: core.logger,
    router: core.router,
    chromaToken: token || undefined,
  });
}

/** Runs `work` with an AbortSignal fired by Ctrl-C. */
export async function withSigint<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
