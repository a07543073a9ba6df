/** Remembers the last few edited ranges (with a couple of lines around them) as completion context. */
import * as vscode from 'vscode';
import type { RecentEdit } from '../../core/completion/types';
import { documentLength } from './documentLength';

const KEEP = 5;
const AROUND = 2;
const MAX_DOC_CHARS = 500_000;

export class RecentEdits {
  private edits: { filepath: string; line: number; text: string }[] = [];

  note(event: vscode.TextDocumentChangeEvent): void {
    const doc = event.document;
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return;
    // Runs on every keystroke: the length comes from the last line's end, not from the whole text.
    if (event.contentChanges.length === 0 || documentLength(doc) > MAX_DOC_CHARS) return;
    const line = event.contentChanges[event.contentChanges.length - 1].range.start.line;
    const from = Math.max(0, line - AROUND);
    const to = Math.min(doc.lineCount - 1, line + AROUND);
    const text = doc.getText(new vscode.Range(from, 0, to, doc.lineAt(to).text.length));
    const filepath = doc.uri.fsPath || doc.uri.toString();
    this.edits = [{ filepath, line, text }, ...this.edits.filter((e) => !(e.filepath === filepath && Math.abs(e.line - line) <= AROUND))].slice(0, KEEP);
  }

  list(): RecentEdit[] {
    return this.edits.filter((e) => e.text.trim() !== '').map(({ filepath, text }) => ({ filepath, text }));
  }
}
