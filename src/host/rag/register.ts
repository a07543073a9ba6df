/**
 * Workspace index in VS Code: Index Workspace / Rebuild Index (progress, cancellable), a batched
 * file watcher, a status bar item with the index state, the "Switchyard Chroma" Output channel for
 * the local server, and the remote Chroma token in SecretStorage. The work itself is core's RagIndex.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { openWorkspaceRag, workspaceKey, type WorkspaceRag } from '../../core/rag/workspace';
import { embeddingModel } from '../../core/rag/embed/embedder';
import type { SearchOptions, SearchResponse } from '../../core/rag/indexer';
import type { IndexState } from '../../core/rag/types';
import type { HostServices } from '../hostServices';
import { createOutputLogger, routeScope } from '../logger';
import { CHROMA_LOG_SCOPE } from '../../core/rag/store/chromaSupervisor';
import { ragStatusView, relativeInside } from './statusView';
import { completionSnippets } from '../../core/rag/retrieve/snippets';
import { describeSkipped } from '../../core/rag/skippedText';
import { QueryRewriter } from '../../core/rag/retrieve/queryRewrite';
import type { Span } from '../../core/trace/types';
import type { Snippet } from '../../core/completion/context/snippets';

const CHROMA_TOKEN_SECRET = 'switchyard.rag.chromaToken';
const WATCH_DEBOUNCE_MS = 1500;

/** What other areas (chat's @workspace, completion context) use. */
export interface WorkspaceSearch {
  /** Searches every workspace folder's index; empty when nothing is indexed. */
  search(query: string, opts?: SearchOptions): Promise<SearchResponse>;
  /** Index snippets for inline completion (lexical-only, fast; skips the current file). */
  snippets(query: { filepath: string; prefix: string }, signal: AbortSignal): Promise<Snippet[]>;
  /** An @workspace question as the query to search (rewritten by the chat model when rag.queryRewrite allows). */
  rewrite(question: string, signal: AbortSignal, span?: Span): Promise<string>;
  /** Current state of the first folder's index. */
  readonly state: IndexState;
}

function filesExclude(folder: vscode.WorkspaceFolder): string[] {
  const value = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, boolean>>('exclude') ?? {};
  return Object.entries(value).filter(([, on]) => on === true).map(([glob]) => glob);
}

export function registerRag(services: HostServices): WorkspaceSearch {
  const { context } = services;
  const chromaChannel = vscode.window.createOutputChannel('Switchyard Chroma', { log: true });
  // The Chroma server's lines (its supervisor's scope) go to their own channel; the index's to the main log.
  const ragLogger: Logger = routeScope(services.logger, CHROMA_LOG_SCOPE, createOutputLogger(chromaChannel));
  const item = vscode.window.createStatusBarItem('switchyard.index', vscode.StatusBarAlignment.Right, 99);
  item.name = 'Switchyard Index';
  item.command = 'switchyard.indexWorkspace';
  const rags = new Map<string, WorkspaceRag>();
  const unsubscribes = new Map<string, () => void>();
  let chromaNotified = false;
  let lastState: IndexState = { kind: 'idle' };

  const render = (state: IndexState) => {
    lastState = state;
    const first = [...rags.values()][0];
    const sup = first?.supervisor?.state;
    const chroma = sup ? (sup.kind === 'ready' ? `local server ${sup.url}` : sup.kind === 'failed' ? sup.message : sup.kind) : services.core.config.rag.chromaUrl;
    const view = ragStatusView(state, chroma);
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.show();
  };

  const opening = new Map<string, Promise<WorkspaceRag>>();
  const ragFor = (folder: vscode.WorkspaceFolder): Promise<WorkspaceRag> => {
    const key = folder.uri.toString();
    let p = opening.get(key);
    if (!p) {
      p = openRag(folder, key);
      opening.set(key, p);
    }
    return p;
  };
  const openRag = async (folder: vscode.WorkspaceFolder, key: string): Promise<WorkspaceRag> => {
    const storageRoot = context.storageUri?.fsPath ?? context.globalStorageUri.fsPath;
    const token = await context.secrets.get(CHROMA_TOKEN_SECRET);
    const rag = openWorkspaceRag({
      root: folder.uri.fsPath,
      storageDir: path.join(storageRoot, 'rag', workspaceKey(folder.uri.fsPath)),
      config: services.core.config,
      logger: ragLogger,
      router: services.core.router,
      exclude: filesExclude(folder),
      assetsDir: path.join(context.extensionPath, 'dist', 'rag-assets'),
      chromaToken: token,
    });
    rags.set(key, rag);
    unsubscribes.set(key, rag.index.onState(render));
    rag.supervisor?.onState((s) => {
      if (s.kind === 'failed' && !chromaNotified) {
        chromaNotified = true; // one clear message, not one per restart
        void vscode.window.showWarningMessage(s.message, 'Show Chroma Log').then((pick) => pick && chromaChannel.show());
      }
    });
    return rag;
  };

  const disposeAll = async () => {
    const all = [...rags.values()];
    for (const off of unsubscribes.values()) off();
    rags.clear();
    opening.clear();
    unsubscribes.clear();
    await Promise.all(all.map((r) => r.dispose().catch(() => undefined)));
  };

  const runIndex = async (rebuild: boolean) => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showInformationMessage('Switchyard: open a folder to index it.');
      return;
    }
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: rebuild ? 'Switchyard: rebuilding the index' : 'Switchyard: indexing', cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          for (const folder of folders) {
            const rag = await ragFor(folder);
            let reported = 0;
            const summary = await rag.index.index({
              rebuild,
              signal: controller.signal,
              onProgress: (p) => {
                if (p.phase === 'walk') progress.report({ message: `${folder.name}: listing files…` });
                if (p.phase !== 'index' || p.total === 0) return;
                const pct = (p.done / p.total) * 100;
                progress.report({ message: `${folder.name}: ${p.done}/${p.total} files`, increment: pct - reported });
                reported = pct;
              },
            });
            services.logger.info(`RAG: ${folder.name}: ${JSON.stringify(summary)}`);
            const skipped = describeSkipped(summary.skipped);
            if (skipped) services.logger.info(`RAG: ${folder.name}: not indexed: ${skipped}`);
            if (summary.cancelled) {
              void vscode.window.showInformationMessage(`Switchyard: indexing cancelled; ${summary.filesIndexed} files were indexed and are kept.`);
              return;
            }
            if (summary.mode === 'lexical-only') {
              services.logger.info(`RAG: ${folder.name} is lexical-only: ${summary.reason}`);
              // Configured for vectors but they failed this run: say so once, with the reason (and its fix).
              if (/^(embedding failed|the vector store)/.test(summary.reason ?? '')) {
                void vscode.window.showWarningMessage(`Switchyard indexed ${folder.name} lexical-only: ${summary.reason}`);
              }
            }
          }
        } catch (err) {
          services.showError(err, 'indexing the workspace');
        } finally {
          sub.dispose();
        }
      },
    );
  };

  // File watcher: batch events, then re-index just those files.
  const pending = new Map<string, { folder: vscode.WorkspaceFolder; paths: Set<string> }>();
  let timer: NodeJS.Timeout | undefined;
  const flush = async () => {
    timer = undefined;
    const batch = [...pending.entries()];
    pending.clear();
    for (const [, { folder, paths }] of batch) {
      const rag = await ragFor(folder);
      if ((await rag.index.open()).files === 0) continue; // only maintain an index the user built
      try {
        await rag.index.update([...paths]);
      } catch (err) {
        services.logger.warn(`RAG: updating ${paths.size} changed files failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  const onFsEvent = (uri: vscode.Uri) => {
    if (!services.core.config.rag.watch || uri.scheme !== 'file') return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    const rel = relativeInside(folder.uri.fsPath, uri.fsPath);
    if (!rel || rel.startsWith('.git/') || /(^|\/)node_modules\//.test(rel)) return;
    const key = folder.uri.toString();
    if (!pending.has(key)) pending.set(key, { folder, paths: new Set() });
    pending.get(key)!.paths.add(rel);
    clearTimeout(timer);
    timer = setTimeout(() => void flush(), WATCH_DEBOUNCE_MS);
  };
  // A `**/*` watcher costs the editor host on big trees: only while rag.watch is on.
  let watcher: vscode.Disposable | undefined;
  const syncWatcher = () => {
    if (services.core.config.rag.watch && !watcher) {
      const w = vscode.workspace.createFileSystemWatcher('**/*');
      const subs = [w.onDidCreate(onFsEvent), w.onDidChange(onFsEvent), w.onDidDelete(onFsEvent)];
      watcher = { dispose: () => [...subs, w].forEach((d) => d.dispose()) };
    } else if (!services.core.config.rag.watch && watcher) {
      watcher.dispose();
      watcher = undefined;
    }
  };
  syncWatcher();

  context.subscriptions.push(
    item,
    chromaChannel,
    { dispose: () => watcher?.dispose() },
    vscode.commands.registerCommand('switchyard.indexWorkspace', () => runIndex(false)),
    vscode.commands.registerCommand('switchyard.rebuildIndex', () => runIndex(true)),
    vscode.commands.registerCommand('switchyard.setChromaToken', async () => {
      const value = await vscode.window.showInputBox({ title: 'Switchyard: token for the remote Chroma server', password: true, ignoreFocusOut: true, prompt: 'Kept in SecretStorage; sent as configured by switchyard.rag.chromaAuthHeader. Empty clears it.' });
      if (value === undefined) return;
      if (value) await context.secrets.store(CHROMA_TOKEN_SECRET, value);
      else await context.secrets.delete(CHROMA_TOKEN_SECRET);
      await disposeAll();
    }),
    // The router is the same for the extension's lifetime: reopen only when settings that shape
    // the index changed (embedding route, Chroma, excludes, size cap).
    services.onDidChangeCore(() => {
      syncWatcher();
      const key = ragKey();
      if (key === lastKey) return;
      lastKey = key;
      void disposeAll().then(() => reopenExisting());
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void disposeAll().then(() => reopenExisting())),
    { dispose: () => { clearTimeout(timer); void disposeAll(); } },
  );

  const ragKey = () => JSON.stringify({ rag: services.core.config.rag, embedding: embeddingModel(services.core.config)?.identity ?? null });
  let lastKey = ragKey();

  // An index built in an earlier session is refreshed (incrementally) when it is first used, not
  // at activation: activation walks no files and reads no index.
  const refreshed = new Set<string>();
  const refreshOnce = (folder: vscode.WorkspaceFolder, rag: WorkspaceRag) => {
    const key = folder.uri.toString();
    if (refreshed.has(key)) return;
    refreshed.add(key);
    render(rag.index.state);
    void rag.index.index().catch((err) => services.logger.warn(`RAG: refreshing the index failed: ${err instanceof Error ? err.message : String(err)}`));
  };
  const reopenExisting = async () => {
    refreshed.clear();
    render(lastState);
  };
  render(lastState);

  const rewriter = new QueryRewriter({ core: () => services.core, logger: services.logger });
  const api: WorkspaceSearch = {
    get state() {
      return lastState;
    },
    rewrite: (question, signal, span) => rewriter.rewrite(question, { signal, parentSpan: span }),
    snippets: (query, signal) => completionSnippets((q, o) => api.search(q, o), query, signal),
    async search(query, opts) {
      const folders = vscode.workspace.workspaceFolders ?? [];
      const responses: SearchResponse[] = [];
      for (const folder of folders) {
        const rag = await ragFor(folder);
        if ((await rag.index.open()).files > 0) {
          refreshOnce(folder, rag);
          responses.push(await rag.index.search(query, opts));
        }
      }
      const hits = responses.flatMap((r) => r.hits).sort((a, b) => b.score - a.score).slice(0, opts?.k ?? 10);
      const mode = responses.every((r) => r.mode === 'hybrid') && responses.length > 0 ? 'hybrid' : 'lexical-only';
      const warning = responses.map((r) => r.warning).filter(Boolean).join('; ') || (responses.length === 0 ? 'the workspace is not indexed (run Switchyard: Index Workspace)' : undefined);
      return { hits, mode, warning };
    },
  };
  return api;
}
