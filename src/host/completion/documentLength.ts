import type * as vscode from 'vscode';

/** A document's length in characters without building its text (getText() copies the whole file). */
export function documentLength(doc: Pick<vscode.TextDocument, 'lineCount' | 'lineAt' | 'offsetAt'>): number {
  return doc.lineCount === 0 ? 0 : doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
}
