/**
 * Registers inline completions in VS Code: the provider, the accept command, the status bar
 * toggle, snooze, per-language switch and completion model pick. The engine is rebuilt with the
 * core when settings change; a snooze survives the rebuild.
 */
import * as vscode from 'vscode';
import type { AppServices } from '../../core/app';
import { CompletionEngine } from '../../core/completion/engine';
import { setPinned } from '../commands/switchModel';
import { registerSafeCommand, type HostServices } from '../hostServices';
import { targetFor, valueAt } from '../settings';
import { ACCEPTED_COMMAND, documentWindow, filepathOf, SwitchyardInlineCompletionProvider } from './provider';
import { RecentEdits } from './recentEdits';
import { completionStatusView } from './view';

const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }, { scheme: 'vscode-vfs' }];

function createEngine(core: AppServices, indexSnippets: CompletionOptions['indexSnippets']): CompletionEngine {
  return new CompletionEngine({
    indexSnippets,
    router: core.router,
    config: core.config,
    logger: core.logger,
    ledger: core.ledger,
    tracer: core.tracer,
    clock: core.clock,
    workspaceRoot: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
}

/** Writes one field of the `switchyard.completion` setting at the level that currently wins. */
async function updateCompletionSetting(change: (current: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const target = targetFor('completion');
  const current = { ...(valueAt<Record<string, unknown>>('completion', target) ?? {}) };
  await vscode.workspace.getConfiguration('switchyard').update('completion', change(current), target);
}

/** What other areas lend the completion engine (index snippets from the workspace index). */
export interface CompletionOptions {
  indexSnippets?: ConstructorParameters<typeof CompletionEngine>[0]['indexSnippets'];
}

export function registerCompletion(services: HostServices, options: CompletionOptions = {}): void {
  const { context } = services;
  const engine = createEngine(services.core, options.indexSnippets);
  let snoozeTimer: ReturnType<typeof setTimeout> | undefined;
  const recentEdits = new RecentEdits();

  const item = vscode.window.createStatusBarItem('switchyard.completion', vscode.StatusBarAlignment.Right, 99);
  item.name = 'Switchyard Completions';
  item.command = 'switchyard.completion.toggle';
  const refresh = () => {
    const { config, router } = services.core;
    // The configured head, even while its breaker is open: the item names the model the user chose.
    const head = router.resolve('completion').candidates[0];
    const languageId = vscode.window.activeTextEditor?.document.languageId;
    const view = completionStatusView({
      enabled: config.completion.enabled,
      languageId,
      languageOff: languageId !== undefined && config.completion.languages[languageId] === false,
      snoozedUntil: engine.snoozedUntil(),
      model: head?.name,
      pinned: head?.pinned === true,
      stats: engine.stats(),
      now: Date.now(),
    });
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.show();
  };
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshSoon = () => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      refresh();
    }, 500);
  };

  const provider = new SwitchyardInlineCompletionProvider(() => engine, recentEdits, (result) => {
    if (result.status === 'error' && result.error) services.logger.debug(`Completion: ${result.error.message}`);
    refreshSoon();
  });

  context.subscriptions.push(
    item,
    { dispose: () => engine.dispose() },
    { dispose: () => refreshTimer && clearTimeout(refreshTimer) },
    { dispose: () => clearTimeout(snoozeTimer) },
    vscode.languages.registerInlineCompletionItemProvider(SELECTOR, provider),
    // Settings apply in place: the cache, accept statistics and a running snooze survive.
    services.onDidChangeCore((core) => {
      engine.updateConfig(core.config);
      refresh();
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      recentEdits.note(event);
      const last = event.contentChanges[event.contentChanges.length - 1];
      if (!last) return;
      const doc = event.document;
      // Abort in-flight calls the edit contradicts right away (typing through one keeps it). Most
      // edits (other files, output channels, no call running) need nothing: no getText() then.
      const filepath = filepathOf(doc);
      if (!engine.hasInflightFor(filepath)) return;
      // The same window the provider sent (see documentWindow), so prefixes and suffixes compare.
      const window = documentWindow(doc, doc.offsetAt(last.range.start) + last.text.length);
      engine.documentChanged(filepath, window.text, window.offset);
    }),
    vscode.window.onDidChangeActiveTextEditor(() => refresh()),
    vscode.commands.registerCommand(ACCEPTED_COMMAND, (id: unknown) => {
      if (typeof id === 'string') engine.accepted(id);
      refreshSoon();
    }),
  );
  registerSafeCommand(services, 'switchyard.completion.toggle', async () => {
    if (engine.snoozedUntil()) {
      engine.snooze(0);
      refresh();
      return;
    }
    const enabled = services.core.config.completion.enabled;
    await updateCompletionSetting((c) => ({ ...c, enabled: !enabled }));
    void vscode.window.setStatusBarMessage(`Switchyard inline completions ${enabled ? 'off' : 'on'}`, 3000);
  });
  registerSafeCommand(services, 'switchyard.completion.toggleLanguage', async () => {
    const languageId = vscode.window.activeTextEditor?.document.languageId;
    if (!languageId) {
      void vscode.window.showInformationMessage('Switchyard: open a file to switch completions for its language.');
      return;
    }
    const off = services.core.config.completion.languages[languageId] === false;
    await updateCompletionSetting((c) => ({ ...c, languages: { ...((c.languages as Record<string, boolean>) ?? {}), [languageId]: off } }));
    void vscode.window.setStatusBarMessage(`Switchyard inline completions ${off ? 'on' : 'off'} for ${languageId}`, 3000);
  });
  registerSafeCommand(services, 'switchyard.completion.snooze', () => {
    const minutes = services.core.config.completion.snoozeMinutes;
    engine.snooze(minutes * 60_000);
    refresh();
    // One timer for the snooze's end: a new snooze replaces it (no disposable per snooze).
    clearTimeout(snoozeTimer);
    snoozeTimer = setTimeout(refresh, minutes * 60_000 + 1000);
    void vscode.window.setStatusBarMessage(`Switchyard inline completions snoozed for ${minutes} min (click the status item to resume)`, 4000);
  });
  registerSafeCommand(services, 'switchyard.completion.pickModel', async () => {
    const { config } = services.core;
    const names = Object.keys(config.models);
    if (names.length === 0) {
      void vscode.window.showWarningMessage('Switchyard: no models are configured. Add one under switchyard.models first.');
      return;
    }
    const pinned = config.pinned['completion'];
    const route = config.routes['completion'] ?? [];
    const items: (vscode.QuickPickItem & { model?: string })[] = [
      { label: '$(list-ordered) Use the completion route', description: route.join(' → ') || 'no route set', model: undefined },
      ...names.map((name) => ({ label: name, description: `${config.models[name].id}${name === pinned ? ' · pinned' : ''}`, model: name })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Model for inline completions', placeHolder: pinned ? `Pinned: ${pinned}` : 'Pick a model to pin for completions' });
    if (!picked) return;
    await setPinned('completion', picked.model);
  });
  refresh();
}
