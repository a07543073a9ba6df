/**
 * Context snippets from outside the cursor's window: definitions of imported symbols found in open
 * files, recently edited ranges, and the windows of open files most similar to the code at the cursor.
 */
import type { ContextFile, RecentEdit } from '../types';
import { approxTokens } from './window';

export interface Snippet {
  filepath: string;
  text: string;
  kind: 'definition' | 'recent_edit' | 'index' | 'similar';
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

/** Names a file imports: TS/JS named imports, Python from-imports, Rust use lists, Go package qualifiers. */
export function importedNames(text: string, languageId: string): string[] {
  const names = new Set<string>();
  const add = (list: string) => {
    for (const part of list.split(',')) {
      const name = part.trim().split(/\s+as\s+/)[0].replace(/^type\s+/, '').trim();
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) names.add(name);
    }
  };
  if (languageId.startsWith('typescript') || languageId.startsWith('javascript')) {
    for (const m of text.matchAll(/import\s+(?:type\s+)?(?:[A-Za-z_$][\w$]*\s*,\s*)?\{([^}]*)\}\s*from/g)) add(m[1]);
    for (const m of text.matchAll(/import\s+([A-Za-z_$][\w$]*)\s+from/g)) add(m[1]);
  } else if (languageId === 'python') {
    for (const m of text.matchAll(/^from\s+\S+\s+import\s+\(?([^)\n]*)\)?/gm)) add(m[1]);
  } else if (languageId === 'rust') {
    for (const m of text.matchAll(/^\s*use\s+[\w:]+::\{([^}]*)\}/gm)) add(m[1]);
    for (const m of text.matchAll(/^\s*use\s+[\w:]+::(\w+)\s*;/gm)) add(m[1]);
  } else if (languageId === 'go') {
    // Go code names imported things as pkg.Name: collect the exported names used after a qualifier.
    for (const m of text.matchAll(/\b[a-z][a-z0-9]*\.([A-Z][A-Za-z0-9_]*)/g)) names.add(m[1]);
  }
  return [...names];
}

const DEFINITION_KEYWORDS = ['function', 'class', 'interface', 'type', 'enum', 'const', 'let', 'def', 'func', 'fn', 'struct', 'trait'];

/** The definition of `name` in `text` (its first line up to the end of its block, at most `maxLines`). */
export function findDefinition(text: string, name: string, maxLines = 15): string | undefined {
  const kw = DEFINITION_KEYWORDS.join('|');
  const re = new RegExp(`^[ \\t]*(?:export\\s+|pub(?:\\([^)]*\\))?\\s+|async\\s+|default\\s+)*(?:${kw})\\s+(?:\\([^)]*\\)\\s*)?${name}\\b`, 'm');
  const m = re.exec(text);
  if (!m) return undefined;
  const lines = text.slice(m.index).split('\n');
  const indent = /^[ \t]*/.exec(lines[0])?.[0].length ?? 0;
  const out = [lines[0]];
  for (let i = 1; i < lines.length && out.length < maxLines; i++) {
    const line = lines[i];
    out.push(line);
    const ind = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    // The block ends at the first non-blank line back at the definition's indent.
    if (line.trim() !== '' && ind <= indent) {
      if (!/^[ \t]*[})\]]/.test(line)) out.pop();
      break;
    }
  }
  return out.join('\n').trimEnd();
}

function tokenSet(text: string): Set<string> {
  return new Set(text.match(IDENT) ?? []);
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const t of a) if (b.has(t)) common++;
  return common / (a.size + b.size - common);
}

export interface TokenWindow {
  text: string;
  tokens: Set<string>;
}

/**
 * Remembers each open file's windows and their identifier sets while its text is unchanged, so a
 * keystroke does not re-tokenize every open file. One per engine (no module state).
 */
export class WindowIndex {
  private readonly files = new Map<string, { text: string; windows: TokenWindow[] }>();

  constructor(private readonly maxFiles = 32) {}

  windows(file: ContextFile, windowLines: number): TokenWindow[] {
    const hit = this.files.get(file.filepath);
    if (hit && hit.text === file.text) return hit.windows;
    const windows = splitWindows(file.text, windowLines);
    this.files.delete(file.filepath);
    this.files.set(file.filepath, { text: file.text, windows });
    if (this.files.size > this.maxFiles) this.files.delete(this.files.keys().next().value as string);
    return windows;
  }
}

function splitWindows(text: string, windowLines: number): TokenWindow[] {
  const lines = text.split('\n');
  const stride = Math.max(1, Math.floor(windowLines / 2));
  const out: TokenWindow[] = [];
  for (let start = 0; start < lines.length; start += stride) {
    const window = lines.slice(start, start + windowLines).join('\n');
    out.push({ text: window, tokens: tokenSet(window) });
    if (start + windowLines >= lines.length) break;
  }
  return out;
}

/** Windows of open files ranked by identifier overlap with the last lines before the cursor. */
export function similarWindows(prefix: string, files: ContextFile[], windowLines = 20, limit = 3, index?: WindowIndex): Snippet[] {
  const query = tokenSet(prefix.split('\n').slice(-windowLines).join('\n'));
  const scored: { score: number; snippet: Snippet }[] = [];
  for (const file of files) {
    const windows = index ? index.windows(file, windowLines) : splitWindows(file.text, windowLines);
    for (const w of windows) {
      const score = jaccard(query, w.tokens);
      if (score > 0.1) scored.push({ score, snippet: { filepath: file.filepath, text: w.text, kind: 'similar' } });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  const picked: Snippet[] = [];
  for (const { snippet } of scored) {
    if (picked.length >= limit) break;
    if (!picked.some((p) => p.filepath === snippet.filepath && overlaps(p.text, snippet.text))) picked.push(snippet);
  }
  return picked;
}

function overlaps(a: string, b: string): boolean {
  const firstB = b.split('\n')[0];
  return firstB.trim() !== '' && a.includes(firstB);
}

export interface SnippetInput {
  document: { filepath: string; languageId: string; text: string };
  /** The prefix window (used to rank similar windows). */
  prefix: string;
  openFiles: ContextFile[];
  recentEdits: RecentEdit[];
  /** Snippets from the workspace index (retrieval), best first. */
  indexSnippets?: Snippet[];
  budgetTokens: number;
  windowIndex?: WindowIndex;
}

/** Gathers snippets in priority order (definitions, recent edits, index hits, similar windows) until the budget is spent. */
export function gatherSnippets(input: SnippetInput): Snippet[] {
  const others = input.openFiles.filter((f) => f.filepath !== input.document.filepath);
  const candidates: Snippet[] = [];
  const names = importedNames(input.document.text, input.document.languageId);
  for (const name of names) {
    for (const file of others) {
      const def = findDefinition(file.text, name);
      if (def) {
        candidates.push({ filepath: file.filepath, text: def, kind: 'definition' });
        break;
      }
    }
  }
  for (const edit of input.recentEdits.slice(0, 3)) {
    // An edit in the current file is already in the window when it is near the cursor.
    if (edit.filepath === input.document.filepath && input.prefix.includes(edit.text.trim())) continue;
    candidates.push({ filepath: edit.filepath, text: edit.text, kind: 'recent_edit' });
  }
  for (const hit of input.indexSnippets ?? []) {
    if (hit.filepath === input.document.filepath) continue;
    candidates.push({ ...hit, kind: 'index' });
  }
  candidates.push(...similarWindows(input.prefix, others, 20, 3, input.windowIndex));
  const picked: Snippet[] = [];
  let left = input.budgetTokens;
  for (const snippet of candidates) {
    const cost = approxTokens(snippet.text) + approxTokens(snippet.filepath) + 4;
    if (cost > left) continue;
    if (picked.some((p) => p.text === snippet.text)) continue;
    picked.push(snippet);
    left -= cost;
  }
  return picked;
}
