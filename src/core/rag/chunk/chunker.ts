/**
 * Splits a file into chunks on symbol boundaries with tree-sitter (WASM grammars), falling back
 * to overlapping line windows for languages without a grammar or files that fail to parse.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Language, Parser, type Node } from 'web-tree-sitter';
import type { Logger } from '../../logger';
import type { Chunk } from '../types';
import { languageOf, type GrammarName } from './languages';

/** Above this many characters a file is cut into line windows without tree-sitter (its tree costs ~10× the text). */
const TREE_SITTER_MAX_CHARS = 1024 * 1024;

/** Bumped when chunk boundaries or ids change: vectors of another version live in another collection. */
export const CHUNKER_VERSION = 1;

export interface ChunkerOptions {
  /** Path of web-tree-sitter's runtime `web-tree-sitter.wasm`. */
  treeSitterWasm: string;
  grammarPath(grammar: GrammarName): string;
  logger: Logger;
  /** A chunk grows up to this many lines (default 60) … */
  maxLines?: number;
  /** … and this many characters (default 2400). */
  maxChars?: number;
  /** Line windows for text files: size and overlap (defaults 50 and 10). */
  windowLines?: number;
  windowOverlap?: number;
}

interface Span {
  start: number; // 0-based line
  end: number; // 0-based line, inclusive
  symbol: string;
  /** The last node of the span is a comment that belongs to what follows. */
  trailingComment?: { start: number };
}

const DEFINITION = /function|method|class|interface|struct|enum|trait|impl|type_|module|namespace|declaration|definition|item|constructor|lexical|variable|export|decorated/;

/** The name a definition node declares, looking through export/decorator wrappers and declarators. */
function symbolOf(node: Node, depth = 0): string {
  if (depth > 4) return '';
  const named = node.childForFieldName('name');
  if (named && /identifier|name|constant/.test(named.type)) return named.text;
  for (const field of ['declaration', 'definition', 'declarator', 'type']) {
    const inner = node.childForFieldName(field);
    if (inner) {
      if (/identifier$/.test(inner.type)) return inner.text;
      const s = symbolOf(inner, depth + 1);
      if (s) return s;
    }
  }
  if (/lexical_declaration|variable_declaration|type_declaration|const_declaration|var_declaration/.test(node.type)) {
    const first = node.namedChildren.find((c) => c && /declarator|spec/.test(c.type));
    if (first) return symbolOf(first, depth + 1);
  }
  return '';
}

function isComment(node: Node): boolean {
  return /comment/.test(node.type);
}

/** Chunks files; holds the parser and loaded grammars (create one per index, call `dispose`). */
export class Chunker {
  private parser: Parser | undefined;
  private readonly languages = new Map<GrammarName, Language | null>();
  private readonly maxLines: number;
  private readonly maxChars: number;
  private readonly windowLines: number;
  private readonly windowOverlap: number;

  constructor(private readonly opts: ChunkerOptions) {
    this.maxLines = opts.maxLines ?? 60;
    this.maxChars = opts.maxChars ?? 2400;
    this.windowLines = opts.windowLines ?? 50;
    this.windowOverlap = opts.windowOverlap ?? 10;
  }

  private async language(grammar: GrammarName): Promise<Language | null> {
    if (this.languages.has(grammar)) return this.languages.get(grammar) ?? null;
    let lang: Language | null = null;
    try {
      if (!this.parser) {
        const wasm = this.opts.treeSitterWasm;
        await Parser.init({ locateFile: () => wasm } as Parameters<typeof Parser.init>[0]);
        this.parser = new Parser();
      }
      lang = await Language.load(new Uint8Array(await readFile(this.opts.grammarPath(grammar))));
    } catch (err) {
      this.opts.logger.warn(`RAG: the ${grammar} grammar could not be loaded (${(err as Error).message}); using line windows for ${grammar} files.`);
    }
    this.languages.set(grammar, lang);
    return lang;
  }

  /** Whether tree-sitter chunking works for this grammar (false means line windows). */
  async supports(grammar: GrammarName): Promise<boolean> {
    return (await this.language(grammar)) !== null;
  }

  async chunk(filePath: string, text: string): Promise<Chunk[]> {
    const { language, grammar } = languageOf(filePath);
    const lines = text.split(/\r?\n/);
    let spans: Span[] | undefined;
    const lang = grammar && text.length <= TREE_SITTER_MAX_CHARS ? await this.language(grammar) : null;
    if (lang && this.parser) {
      this.parser.setLanguage(lang);
      const tree = this.parser.parse(text);
      try {
        if (tree) spans = this.splitChildren(tree.rootNode, '', lines);
      } finally {
        tree?.delete();
      }
    }
    if (!spans || spans.length === 0) spans = this.windows(lines);
    else spans = this.normalize(spans, lines);
    return spans
      .map((s) => ({ ...s, text: lines.slice(s.start, s.end + 1).join('\n') }))
      .filter((s) => s.text.trim().length > 0)
      .map((s, i) => ({
        id: chunkId(filePath, i, s.text),
        path: filePath,
        startLine: s.start + 1,
        endLine: s.end + 1,
        symbol: s.symbol,
        language,
        text: s.text,
      }));
  }

  /** Prefix sums of line lengths, so a span's size is O(1) (chunk() creates one per file). */
  private readonly prefixes = new WeakMap<string[], number[]>();

  private fits(lines: string[], start: number, end: number): boolean {
    let prefix = this.prefixes.get(lines);
    if (!prefix) {
      prefix = [0];
      for (const l of lines) prefix.push(prefix[prefix.length - 1] + l.length + 1);
      this.prefixes.set(lines, prefix);
    }
    const last = Math.min(end, lines.length - 1);
    const chars = prefix[last + 1] - prefix[Math.max(0, start)];
    return end - start + 1 <= this.maxLines && chars <= this.maxChars;
  }

  /** Greedily packs sibling nodes into spans; a node too big alone is split along its own children. */
  private splitChildren(parent: Node, scope: string, lines: string[]): Span[] {
    const out: Span[] = [];
    let group: Span | undefined;
    const children = parent.children.filter((c): c is Node => c !== null);
    for (const child of children) {
      const end = child.endPosition.row;
      const own = DEFINITION.test(child.type) ? symbolOf(child) : '';
      // an export/decorator wrapper and the declaration inside it name the same symbol once
      const symbol = !own ? '' : !scope ? own : scope === own || scope.endsWith(`.${own}`) ? scope : `${scope}.${own}`;
      if (group && this.fits(lines, group.start, Math.max(end, group.end))) {
        group.end = Math.max(end, group.end);
        if (!group.symbol && symbol) group.symbol = symbol;
        group.trailingComment = isComment(child) ? { start: child.startPosition.row } : undefined;
        continue;
      }
      // Close the open span; a doc comment at its end travels with the node that follows.
      let start = child.startPosition.row;
      if (group) {
        const carried = group.trailingComment?.start;
        if (carried !== undefined && carried > group.start) {
          out.push({ start: group.start, end: carried - 1, symbol: group.symbol });
          start = Math.min(start, carried);
        } else {
          out.push({ start: group.start, end: group.end, symbol: group.symbol });
        }
        group = undefined;
      }
      if (this.fits(lines, start, end)) {
        group = { start, end, symbol, trailingComment: isComment(child) ? { start } : undefined };
        continue;
      }
      // Too big on its own: descend into the node (e.g. a class body), or cut it into windows.
      const innerScope = symbol || scope;
      const body = child.childForFieldName('body');
      const target = body && body.endPosition.row > body.startPosition.row ? body : child;
      const parts = target.childCount > 1 ? this.splitChildren(target, innerScope, lines) : [];
      if (parts.length > 1 || (parts.length === 1 && parts[0].start > start)) {
        // Keep the head (doc comment, signature, decorators) with the first part when there is room.
        if (parts[0].start > start) {
          if (this.fits(lines, start, parts[0].end)) parts[0] = { ...parts[0], start, symbol: parts[0].symbol || innerScope };
          else out.push({ start, end: parts[0].start - 1, symbol: innerScope });
        }
        out.push(...parts);
        continue;
      }
      for (const w of this.windows(lines, start, end)) out.push({ ...w, symbol: innerScope });
    }
    if (group) out.push({ start: group.start, end: group.end, symbol: group.symbol });
    return scope ? out.map((s) => (s.symbol ? s : { ...s, symbol: scope })) : out;
  }

  /** Node boundaries share lines (`export class X {` is two nodes on one line): merge or clip overlapping spans. */
  private normalize(spans: Span[], lines: string[]): Span[] {
    const out: Span[] = [];
    for (const s of [...spans].sort((a, b) => a.start - b.start || a.end - b.end)) {
      const prev = out[out.length - 1];
      if (!prev || s.start > prev.end) {
        out.push({ ...s });
      } else if (s.end <= prev.end) {
        if (!prev.symbol) prev.symbol = s.symbol;
      } else if (this.fits(lines, prev.start, s.end) && prev.end - prev.start < 2) {
        prev.end = s.end; // a one-line head (class header) joins what follows
        prev.symbol ||= s.symbol;
      } else {
        out.push({ ...s, start: prev.end + 1 });
      }
    }
    return out;
  }

  private windows(lines: string[], from = 0, to = lines.length - 1): Span[] {
    const out: Span[] = [];
    const step = Math.max(1, this.windowLines - this.windowOverlap);
    for (let start = from; start <= to; start += step) {
      let end = Math.min(to, start + this.windowLines - 1);
      while (end > start && !this.fits(lines, start, end)) end--;
      out.push({ start, end, symbol: '' });
      if (end >= to) break;
      if (end - start + 1 < this.windowLines) start = end + 1 - step; // very long lines: continue after what fit
    }
    return out;
  }

  dispose(): void {
    this.parser?.delete();
    this.parser = undefined;
    for (const lang of this.languages.values()) (lang as { delete?: () => void } | null)?.delete?.();
    this.languages.clear();
  }
}

/** Chunk id: path + ordinal + content hash, so an unchanged chunk keeps its id across runs. */
function chunkId(filePath: string, index: number, text: string): string {
  const h = createHash('sha1').update(filePath).update('\0').update(text).digest('hex').slice(0, 12);
  return `${filePath}#${index}:${h}`;
}
