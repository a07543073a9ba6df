/** The VS Code InlineCompletionItemProvider: translates editor state to an engine request and back. */
import * as vscode from 'vscode';
import type { CompletionEngine } from '../../core/completion/engine';
import type { CompletionResult, ContextFile } from '../../core/completion/types';
import type { RecentEdits } from './recentEdits';

export const ACCEPTED_COMMAND = 'switchyard.completion.accepted';
const MAX_CONTEXT_FILE_CHARS = 200_000;
const MAX_CONTEXT_FILES = 8;

export function filepathOf(doc: vscode.TextDocument): string {
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
}

/** Open files other than `current`, visible editors first. */
export function openFiles(current: vscode.TextDocument): ContextFile[] {
  const seen = new Set<string>([current.uri.toString()]);
  const out: ContextFile[] = [];
  const docs = [...vscode.window.visibleTextEditors.map((e) => e.document), ...vscode.workspace.textDocuments];
  for (const doc of docs) {
    if (out.length >= MAX_CONTEXT_FILES) break;
    const key = doc.uri.toString();
    if (seen.has(key) || (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled')) continue;
    seen.add(key);
    const text = doc.getText();
    if (text.length <= MAX_CONTEXT_FILE_CHARS) out.push({ filepath: vscode.workspace.asRelativePath(doc.uri), text });
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
      const result = await engine.complete({
        document: { filepath: filepathOf(document), languageId: document.languageId, text: document.getText(), offset: document.offsetAt(position) },
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
