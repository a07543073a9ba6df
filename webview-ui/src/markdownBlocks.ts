/**
 * Splits an answer into top-level markdown blocks and bounds what reaches the parser. A finished
 * block never changes while an answer streams, so the renderer parses it once; only the last,
 * open block is parsed again. marked overflows its stack on deep nesting and is quadratic in
 * emphasis delimiters, list depth and long tables: a block past these bounds is shown as plain text.
 */

export interface Block {
  /** Offset of the block's first character in the answer. */
  start: number;
  text: string;
  /** Reference-link definitions (`[id]: url`) the block defines; they apply to the whole answer. */
  definitions: string[];
}

/** Bounds measured with marked 18 (each keeps one block's parse well under 100 ms on a slow core). */
export const LIMITS = {
  /** Characters outside code fences in one block (a 64k table parses in ~0.1 s; fenced code parses in linear time). */
  blockChars: 64_000,
  /** Container nesting: `>` quotes, list markers and list indentation (marked overflows near 2,000). */
  depth: 24,
  /** `*`, `_`, `~` in one paragraph or list item (2,000 cost 0.7 s, growing with the square). */
  emphasisDelimiters: 500,
} as const;

/** Short blocks are grouped up to about this size: thousands of tiny blocks cost more DOM than they save parsing. */
const GROUP_CHARS = 2048;

const FENCE = /^[ \t]*(`{3,}|~{3,})/;
const DEFINITION = /^ {0,3}\[[^\]\n]{1,200}\]:[ \t]*\S/;
const LIST_MARKER = /^(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)/;

/**
 * Top-level blocks of `md` from offset `from` (which must start a block). A block ends at a blank
 * line outside a code fence that is followed by an unindented line, once it holds GROUP_CHARS.
 * Where a block ends depends only on the text before it, so a
 * streamed answer keeps its finished blocks.
 */
export function splitBlocks(md: string, from = 0): Block[] {
  const blocks: Block[] = [];
  let start = from;
  let fence: string | undefined;
  let definitions: string[] = [];
  let pos = from;
  let prevBlank = false;
  while (pos < md.length) {
    const nl = md.indexOf('\n', pos);
    const end = nl < 0 ? md.length : nl;
    const line = md.slice(pos, end);
    const blank = line.trim() === '';
    if (fence) {
      const m = FENCE.exec(line);
      if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length && line.slice(m[0].length).trim() === '') fence = undefined;
    } else {
      if (prevBlank && !blank && pos > start && !/^[ \t]/.test(line) && pos - start >= GROUP_CHARS) {
        blocks.push({ start, text: md.slice(start, pos), definitions });
        start = pos;
        definitions = [];
      }
      const m = FENCE.exec(line);
      if (m && !(m[1]![0] === '`' && line.slice(m[0].length).includes('`'))) fence = m[1];
      else if (DEFINITION.test(line)) definitions.push(line.trim());
    }
    prevBlank = blank && !fence;
    pos = end + 1;
  }
  if (start < md.length || blocks.length === 0) blocks.push({ start, text: md.slice(start), definitions });
  return blocks;
}

/** Why a block must not reach the parser, or undefined when it may. */
export function blockLimitViolation(text: string): string | undefined {
  let fence: string | undefined;
  let delimiters = 0;
  let outsideFences = 0;
  for (const line of text.split('\n')) {
    const f = FENCE.exec(line);
    if (!fence) outsideFences += line.length + 1;
    if (outsideFences > LIMITS.blockChars) return `longer than ${LIMITS.blockChars.toLocaleString('en-US')} characters in one block`;
    if (fence) {
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length && line.slice(f[0].length).trim() === '') fence = undefined;
      continue;
    }
    if (f) {
      fence = f[1];
      continue;
    }
    const { depth, startsItem } = containerDepth(line);
    if (depth > LIMITS.depth) return `nested more than ${LIMITS.depth} levels deep`;
    // Emphasis is resolved per paragraph or list item: count delimiters per such run.
    if (line.trim() === '' || startsItem) delimiters = 0;
    delimiters += countDelimiters(line);
    if (delimiters > LIMITS.emphasisDelimiters) return `more than ${LIMITS.emphasisDelimiters} emphasis markers in one paragraph`;
  }
  return undefined;
}

/** Container nesting a line opens: quote markers, list markers and indentation (two columns a level). */
function containerDepth(line: string): { depth: number; startsItem: boolean } {
  let depth = 0;
  let indent = 0;
  let startsItem = false;
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') {
      indent += line[i] === '\t' ? 4 : 1;
      i++;
    }
    if (depth + Math.floor(indent / 2) > LIMITS.depth) break;
    if (line[i] === '>') {
      depth++;
      i++;
      continue;
    }
    const m = LIST_MARKER.exec(line.slice(i, i + 11));
    if (m) {
      depth++;
      startsItem = true;
      i += m[0].length;
      continue;
    }
    break;
  }
  return { depth: depth + Math.floor(indent / 2), startsItem };
}

function countDelimiters(line: string): number {
  // Inside code spans `*` and `_` are literal.
  const outsideCode = line.includes('`') ? line.replace(/(`+)[^`]*?\1/g, '') : line;
  let n = 0;
  for (let i = 0; i < outsideCode.length; i++) {
    const c = outsideCode.charCodeAt(i);
    if (c === 42 /* * */ || c === 95 /* _ */ || c === 126 /* ~ */) n++;
  }
  return n;
}
