/** The VS Code InlineCompletionItemProvider: translates editor state to an engine request and back. */
import * as vscode from 'vscode';
import type { CompletionEngine } from '../../core/completion/engine';
import type { CompletionResult, ContextFile } from '../../core/completion/types';
import type { RecentEdits } from './recentEdits';
import { documentLength } from './documentLength';

export const ACCEPTED_COMMAND = 'switchyard.completion.accepted';
const MAX_CONTEXT_FILE_CHARS = 200_000;
const MAX_CONTEXT_FILES = 8;
/** The part of the current document sent to the engine: far more than any prompt holds. */
const MAX_PREFIX_CHARS = 100_000;
const MAX_SUFFIX_CHARS = 50_000;


/** Texts of open documents by version: a document unchanged since the last request is not read again. */
const textCache = new WeakMap<vscode.TextDocument, { version: number; text: string }>();
function textOf(doc: vscode.TextDocument): string {
  const cached = textCache.get(doc);
  if (cached && cached.version === doc.version) return cached.text;
  const text = doc.getText();
  textCache.set(doc, { version: doc.version, text });
  return text;
}

/** Window starts snap to this grid, so typing keeps the same start (the engine's typed-through check needs it). */
const WINDOW_STEP = 25_000;

/**
 * The current document as the engine sees it: the whole text when small, else a window around
 * `offset` (prefix and suffix are all a prompt uses), with the offset inside that window. The
 * start is on a fixed grid and the suffix is measured from the cursor, so one typed character
 * leaves the window's prefix extended and its suffix unchanged, as in the whole document.
 */
export function documentWindow(doc: vscode.TextDocument, offset: number): { text: string; offset: number } {
  const length = documentLength(doc);
  const start = offset > MAX_PREFIX_CHARS ? Math.floor((offset - MAX_PREFIX_CHARS) / WINDOW_STEP) * WINDOW_STEP : 0;
  const end = Math.min(length, offset + MAX_SUFFIX_CHARS);
  if (start === 0 && end === length) return { text: textOf(doc), offset };
  return { text: doc.getText(new vscode.Range(doc.positionAt(start), doc.positionAt(end))), offset: offset - start };
}

export function filepathOf(doc: vscode.TextDocument): string {
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
}

/** Open files other than `current`, visible editors first. */
function openFiles(current: vscode.TextDocument): ContextFile[] {
  const seen = new Set<string>([current.uri.toString()]);
  const out: ContextFile[] = [];
  const docs = [...vscode.window.visibleTextEditors.map((e) => e.document), ...vscode.workspace.textDocuments];
  for (const doc of docs) {
    if (out.length >= MAX_CONTEXT_FILES) break;
    const key = doc.uri.toString();
    if (seen.has(key) || (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled')) continue;
    seen.add(key);
    // Size first: a huge file is skipped without building its text.
    if (documentLength(doc) > MAX_CONTEXT_FILE_CHARS) continue;
    out.push({ filepath: vscode.workspace.asRelativePath(doc.uri), text: textOf(doc) });
  }
  return out;
}

export class SwitchyardInlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly engine: () => CompletionEngine,
    private readonly recentEdits: RecentEdits,
    private readonly onResult: (result: CompletionResult) => void,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const engine = this.engine();
    if (!engine.isEnabledFor(document.languageId)) return undefined;
    // VS Code's CancellationToken → AbortSignal → the router → the SDK's HTTP request.
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    if (token.isCancellationRequested) controller.abort();
    try {
      const { text, offset } = documentWindow(document, document.offsetAt(position));
      const result = await engine.complete({
        document: { filepath: filepathOf(document), languageId: document.languageId, text, offset },
        trigger: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke ? 'manual' : 'automatic',
        openFiles: openFiles(document),
        recentEdits: this.recentEdits.list(),
        signal: controller.signal,
      });
      this.onResult(result);
      if (result.status !== 'ok' || token.isCancellationRequested) return undefined;
      // From the cursor over the closers the completion rewrites (none for a pure insertion). Without an
      // explicit range VS Code replaces the word at the cursor and silently drops items that do not start with it.
      // The engine measured replaceLength on this line's text after the cursor, so the end stays on the line.
      const end = new vscode.Position(position.line, position.character + result.replaceLength);
      const item = new vscode.InlineCompletionItem(result.text, new vscode.Range(position, end), {
        command: ACCEPTED_COMMAND,
        title: 'Accept completion',
        arguments: [result.id],
      });
      return [item];
    } finally {
      sub.dispose();
    }
  }
}
