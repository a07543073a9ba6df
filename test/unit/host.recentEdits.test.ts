/**
 * Recent edits as completion context (vscode replaced by test/support/fakeVscode): the change
 * handler runs on every keystroke, so it reads only the lines around the edit — never the whole
 * document, whose length it takes from the last line's end — and skips huge documents.
 */
import '../support/fakeVscode';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { RecentEdits } from '../../src/host/completion/recentEdits';

class Range {
  constructor(readonly startLine: number, readonly startChar: number, readonly endLine: number, readonly endChar: number) {}
}

/** A document that fails the test if its whole text is read. */
function documentOf(lines: string[]) {
  const reads: string[] = [];
  const offsets = lines.reduce<number[]>((acc, l, i) => [...acc, (acc[i - 1] ?? -1) + 1 + (i ? lines[i - 1]!.length : 0)], []);
  const doc = {
    uri: { scheme: 'file', fsPath: '/ws/a.ts', toString: () => 'file:///ws/a.ts' },
    lineCount: lines.length,
    lineAt: (line: number) => ({ text: lines[line]!, range: { end: { line, character: lines[line]!.length } } }),
    offsetAt: (p: { line: number; character: number }) => offsets[p.line]! + p.character,
    getText: (range?: Range) => {
      if (!range) throw new Error('the whole document was read');
      const text = lines.slice(range.startLine, range.endLine + 1).join('\n');
      reads.push(text);
      return text;
    },
  };
  return { doc: doc as unknown as vscode.TextDocument, reads };
}

const change = (doc: vscode.TextDocument, line: number) => ({ document: doc, contentChanges: [{ range: { start: { line, character: 0 } } }] }) as unknown as vscode.TextDocumentChangeEvent;

describe('host: recent edits for completion context', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vs = require('vscode') as Record<string, unknown>;
  let before: unknown;
  beforeEach(() => {
    before = vs.Range;
    vs.Range = Range;
  });
  afterEach(() => {
    vs.Range = before;
  });

  it('keeps the lines around an edit, reading only those lines', () => {
    const { doc, reads } = documentOf(Array.from({ length: 50 }, (_, i) => `line ${i}`));
    const edits = new RecentEdits();
    edits.note(change(doc, 20));
    assert.deepEqual(edits.list(), [{ filepath: '/ws/a.ts', text: 'line 18\nline 19\nline 20\nline 21\nline 22' }]);
    assert.equal(reads.length, 1);
  });

  it('skips a document over 500 000 characters without reading it', () => {
    const { doc, reads } = documentOf(Array.from({ length: 6 }, () => 'x'.repeat(100_000)));
    const edits = new RecentEdits();
    edits.note(change(doc, 3));
    assert.deepEqual(edits.list(), []);
    assert.equal(reads.length, 0);
  });
});
