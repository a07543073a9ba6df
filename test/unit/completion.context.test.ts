/** Completion context: windows within the budget, imported definitions, similar windows, status view. */
import assert from 'node:assert/strict';
import { assembleContext } from '../../src/core/completion/context/assemble';
import { findDefinition, gatherSnippets, importedNames, similarWindows, WindowIndex } from '../../src/core/completion/context/snippets';
import { approxTokens, windowAround } from '../../src/core/completion/context/window';
import { completionStatusView } from '../../src/host/completion/view';

const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} line ${i} with some words`).join('\n');

describe('completion context', () => {
  it('windows the prefix and suffix within the budget, prefix-heavy, on line boundaries', () => {
    const text = `${lines(400, 'before')}\nconst x = \n${lines(400, 'after')}`;
    const offset = text.indexOf('const x = ') + 'const x = '.length;
    const w = windowAround(text, offset, 1000);
    assert.ok(approxTokens(w.prefix) + approxTokens(w.suffix) <= 1000);
    assert.ok(w.prefix.length > 2 * w.suffix.length, 'prefix gets the larger share');
    assert.ok(w.prefix.endsWith('const x = '));
    assert.match(w.prefix, /^before line \d+ with some words\n/, 'the prefix starts at a line start');
    assert.ok(w.suffix.startsWith('\nafter line 0'));
    assert.ok(w.suffix.endsWith('\n'), 'the suffix ends at a line end');
  });

  it('gives the unused suffix budget to the prefix near the end of a file', () => {
    const text = `${lines(400, 'before')}\nreturn `;
    const w = windowAround(text, text.length, 1000);
    assert.equal(w.suffix, '');
    assert.ok(approxTokens(w.prefix) > 900);
  });

  it('finds imported names in TypeScript, Python, Rust and Go', () => {
    assert.deepEqual(importedNames("import { parse, type Config as C } from './cfg';\nimport React from 'react';", 'typescript'), ['parse', 'Config', 'React']);
    assert.deepEqual(importedNames('from app.util import slugify, title_case as tc\n', 'python'), ['slugify', 'title_case']);
    assert.deepEqual(importedNames('use crate::geo::{Point, Rect};\nuse std::fmt::Display;\n', 'rust'), ['Point', 'Rect', 'Display']);
    assert.deepEqual(importedNames('x := strings.TrimSpace(s)\ny := store.Open(p)', 'go'), ['TrimSpace', 'Open']);
  });

  it('extracts a definition up to the end of its block', () => {
    const ts = 'const a = 1;\nexport function parse(text: string): Config {\n  const c = JSON.parse(text);\n  return c;\n}\nfunction other() {}\n';
    assert.equal(findDefinition(ts, 'parse'), 'export function parse(text: string): Config {\n  const c = JSON.parse(text);\n  return c;\n}');
    const py = 'def slugify(text):\n    text = text.lower()\n    return text.replace(" ", "-")\n\ndef other():\n    pass\n';
    assert.equal(findDefinition(py, 'slugify'), 'def slugify(text):\n    text = text.lower()\n    return text.replace(" ", "-")');
    assert.equal(findDefinition(py, 'missing'), undefined);
  });

  it('puts imported definitions first and stays within the snippet budget', () => {
    const doc = { filepath: '/w/main.ts', languageId: 'typescript', text: "import { parse } from './cfg';\nconst c = parse(" };
    const cfg = { filepath: 'cfg.ts', text: 'export function parse(text: string) {\n  return JSON.parse(text);\n}\n' };
    const noise = { filepath: 'big.ts', text: lines(300, 'total += parse(c)') };
    const picked = gatherSnippets({ document: doc, prefix: doc.text, openFiles: [noise, cfg], recentEdits: [{ filepath: 'x.ts', text: 'let edited = 1;' }], budgetTokens: 200 });
    assert.equal(picked[0].kind, 'definition');
    assert.equal(picked[0].filepath, 'cfg.ts');
    assert.ok(picked.some((s) => s.kind === 'recent_edit'));
    const used = picked.reduce((n, s) => n + approxTokens(s.text) + approxTokens(s.filepath) + 4, 0);
    assert.ok(used <= 200, `used ${used} tokens`);
  });

  it('ranks similar windows of open files by shared identifiers', () => {
    const prefix = 'const total = orders.reduce((sum, order) => sum + order.amount, 0);\n';
    const related = { filepath: 'orders.ts', text: 'export interface Order { amount: number }\nexport const orders: Order[] = [];\n' };
    const unrelated = { filepath: 'colors.ts', text: 'export const red = "#f00";\nexport const blue = "#00f";\n' };
    const picked = similarWindows(prefix, [unrelated, related]);
    assert.equal(picked[0]?.filepath, 'orders.ts');
    assert.ok(!picked.some((p) => p.filepath === 'colors.ts'));
  });

  it('reuses an open file\'s windows while its text is unchanged', () => {
    const index = new WindowIndex(2);
    const a = { filepath: 'a.ts', text: lines(50, 'alpha') };
    const first = index.windows(a, 20);
    assert.equal(index.windows({ ...a }, 20), first, 'same text: same windows, no re-tokenizing');
    const edited = index.windows({ filepath: 'a.ts', text: `${a.text}\nnew line` }, 20);
    assert.notEqual(edited, first);
    assert.ok(edited[edited.length - 1].tokens.has('new'));
    index.windows({ filepath: 'b.ts', text: 'b' }, 20);
    index.windows({ filepath: 'c.ts', text: 'c' }, 20);
    assert.notEqual(index.windows({ filepath: 'a.ts', text: `${a.text}\nnew line` }, 20), edited, 'the oldest file was evicted');
  });

  it('assembles the context with the multiline decision and no snippets without other files', () => {
    const ctx = assembleContext(
      { document: { filepath: '/w/src/a.py', languageId: 'python', text: 'def f(x):\n    \n', offset: 14 }, trigger: 'automatic' },
      { contextTokens: 512, maxLines: 8, workspaceRoot: '/w' },
    );
    assert.equal(ctx.multiline, true);
    assert.equal(ctx.displayPath, 'src/a.py');
    assert.deepEqual(ctx.snippets, []);
  });
});

describe('completion status view', () => {
  const base = { enabled: true, languageOff: false, model: 'coder', pinned: false, now: 1_000_000 };
  it('shows on, off, snoozed, off for the language and no model', () => {
    assert.equal(completionStatusView(base).state, 'on');
    assert.equal(completionStatusView({ ...base, enabled: false }).state, 'off');
    // Self-explaining text (not "Complete"), and the tooltip says what a click does.
    assert.equal(completionStatusView(base).text, '$(zap) Completions');
    assert.match(completionStatusView(base).tooltip, /Click to turn inline completions off\./);
    assert.equal(completionStatusView({ ...base, enabled: false }).text, '$(circle-slash) Completions off');
    const snoozed = completionStatusView({ ...base, snoozedUntil: base.now + 5 * 60_000 });
    assert.equal(snoozed.state, 'snoozed');
    assert.match(snoozed.tooltip, /5 more min/);
    assert.equal(completionStatusView({ ...base, languageOff: true, languageId: 'markdown' }).state, 'language_off');
    assert.equal(completionStatusView({ ...base, model: undefined }).state, 'no_model');
  });

  it('lists the accept rate per model', () => {
    const view = completionStatusView({
      ...base,
      stats: {
        totals: { requests: 10, modelCalls: 4, aborted: 1, cacheHits: 5, inflightReuses: 1, debounced: 0 },
        byModel: { coder: { requests: 4, cancelled: 1, errors: 0, shown: 4, accepted: 1, rejected: 2, cacheHits: 5, acceptRate: 0.25 } },
      },
    });
    assert.match(view.tooltip, /coder: 1\/4 accepted \(25%\)/);
    assert.match(view.tooltip, /4 model calls \(1 aborted\), 6 served without a call/);
  });
});
