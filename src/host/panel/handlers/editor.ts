/**
 * Code from answers into the editor: copy, insert at the cursor, apply with a diff to review; and
 * the editor those act on (the active one, else the last one the user was in).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatService } from '../../../core/chat/service';
import type { ContextChip } from '../../../core/chat/types';
import { textToInsert } from '../insertText';
import type { AreaHandlers } from './types';

/** The read-only documents that show a proposed change in the diff editor. */
const PROPOSED_SCHEME = 'switchyard-proposed';

type SelectionChip = Extract<ContextChip, { kind: 'selection' }>;

export class EditorTarget {
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly proposed = new Map<string, string>();
  private readonly proposedEmitter = new vscode.EventEmitter<vscode.Uri>();
  private proposedSeq = 0;

  /** Follows the user's editor and serves the proposed documents; dispose with the extension. */
  start(): vscode.Disposable[] {
    return [
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e && e.document.uri.scheme !== PROPOSED_SCHEME) this.lastEditor = e;
      }),
      vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, {
        onDidChange: this.proposedEmitter.event,
        provideTextDocumentContent: (uri) => this.proposed.get(uri.toString()) ?? '',
      }),
    ];
  }

  /** The selection (or the whole file when nothing is selected) of the user's editor as a chip; undefined when no editor is open. */
  selectionChip(): SelectionChip | undefined {
    const editor = vscode.window.activeTextEditor ?? this.lastEditor;
    if (!editor) return undefined;
    this.lastEditor = editor;
    const doc = editor.document;
    const sel = editor.selection;
    const range = sel.isEmpty ? new vscode.Range(0, 0, doc.lineCount - 1, doc.lineAt(doc.lineCount - 1).text.length) : new vscode.Range(sel.start, sel.end);
    const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
    return {
      kind: 'selection',
      id: `sel-${Date.now().toString(36)}`,
      path: vscode.workspace.asRelativePath(doc.uri, false),
      uri: doc.uri.toString(),
      startLine: range.start.line + 1,
      endLine: endLine + 1,
      language: doc.languageId,
      text: doc.getText(range).slice(0, 400_000),
    };
  }

  private targetEditor(): vscode.TextEditor | undefined {
    const e = vscode.window.activeTextEditor;
    if (e && e.document.uri.scheme !== PROPOSED_SCHEME) return e;
    const last = this.lastEditor;
    if (last && vscode.window.visibleTextEditors.includes(last)) return last;
    return vscode.window.visibleTextEditors.find((v) => v.document.uri.scheme === 'file');
  }

  async insertAtCursor(code: string): Promise<void> {
    const editor = this.targetEditor();
    if (!editor) throw new Error('No editor to insert into: open a file first.');
    const doc = editor.document;
    const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const ok = await editor.edit((b) => {
      for (const s of editor.selections) {
        const before = doc.lineAt(s.start.line).text.slice(0, s.start.character);
        const after = doc.lineAt(s.end.line).text.slice(s.end.character);
        b.replace(s, textToInsert(code, { before, after, eol }));
      }
    });
    if (!ok) throw new Error(`Could not insert into ${vscode.workspace.asRelativePath(editor.document.uri)} (is it read-only?).`);
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: editor.selection });
  }

  /** The selection chip of the latest question, when its file is open and unchanged there; else the editor's selection. */
  private async applyTarget(chat: ChatService, conversationId: string | undefined): Promise<{ doc: vscode.TextDocument; range: vscode.Range; label: string }> {
    const conv = conversationId ? chat.get(conversationId) : undefined;
    const chip = conv?.messages
      .filter((m) => m.role === 'user')
      .flatMap((m) => m.chips ?? [])
      .filter((c): c is SelectionChip => c.kind === 'selection' && !!c.uri)
      .at(-1);
    if (chip?.uri) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(chip.uri, true));
      const last = Math.min(chip.endLine - 1, doc.lineCount - 1);
      const range = new vscode.Range(chip.startLine - 1, 0, last, doc.lineAt(last).text.length);
      if (doc.getText(range).trimEnd() === chip.text.trimEnd()) return { doc, range, label: `${chip.path}:${chip.startLine}-${chip.endLine}` };
    }
    const editor = this.targetEditor();
    if (!editor) throw new Error('Nothing to apply to: select code in an editor (or ask about a selection) first.');
    const doc = editor.document;
    const range = editor.selection.isEmpty ? new vscode.Range(0, 0, doc.lineCount - 1, doc.lineAt(doc.lineCount - 1).text.length) : new vscode.Range(editor.selection.start, editor.selection.end);
    const rel = vscode.workspace.asRelativePath(doc.uri, false);
    return { doc, range, label: editor.selection.isEmpty ? rel : `${rel}:${range.start.line + 1}-${range.end.line + 1}` };
  }

  /** Shows the change in a diff and applies it when the user says so (and the file did not change meanwhile). */
  async applyWithDiff(chat: ChatService, code: string, conversationId: string | undefined): Promise<void> {
    const { doc, range, label } = await this.applyTarget(chat, conversationId);
    const before = doc.getText();
    const version = doc.version;
    const start = doc.offsetAt(range.start);
    const end = doc.offsetAt(range.end);
    const replacement = code.endsWith('\n') && !doc.getText(range).endsWith('\n') ? code.slice(0, -1) : code;
    const after = before.slice(0, start) + replacement + before.slice(end);
    const proposedUri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${++this.proposedSeq}/${path.basename(doc.uri.path)}` });
    this.proposed.set(proposedUri.toString(), after);
    this.proposedEmitter.fire(proposedUri);
    try {
      await vscode.commands.executeCommand('vscode.diff', doc.uri, proposedUri, `Switchyard: apply to ${label}`, { preview: true });
      const choice = await vscode.window.showInformationMessage(`Apply the suggested change to ${label}?`, 'Apply', 'Discard');
      if (choice !== 'Apply') return;
      if (doc.version !== version) throw new Error(`${label} changed while the diff was open; apply again.`);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, range, replacement);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not apply the change to ${label}.`);
      await vscode.window.showTextDocument(doc, { preview: false });
    } finally {
      this.proposed.delete(proposedUri.toString());
    }
  }
}

export const editorHandlers = {
  'code/copy': async (panel, conn, msg) => {
    await vscode.env.clipboard.writeText(msg.code);
    panel.connections.post(conn, { type: 'toast', level: 'info', text: 'Copied to the clipboard.' });
  },

  'code/insert': (panel, _conn, msg) => panel.editor.insertAtCursor(msg.code),

  'code/apply': (panel, _conn, msg) => panel.editor.applyWithDiff(panel.chat, msg.code, msg.conversationId),
} satisfies AreaHandlers;
