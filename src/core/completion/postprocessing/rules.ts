/**
 * Postprocess rules, each a small pure function from (completion text, context) to text. The
 * pipeline in index.ts runs them in order; golden cases under test/golden/completion prove each.
 */
import type { CompletionContext } from '../context/assemble';
import { indentOf, inComment, linePrefix, lineSuffix, previousNonBlankLine } from '../context/multiline';
import { HOLE, HOLE_CLOSE, HOLE_OPEN } from '../templating/templates';
import { scanOutsideStrings } from '../text/scanCode';

export interface RuleInput {
  ctx: CompletionContext;
  /** Every stop sequence of the prompt's template. */
  stop: string[];
  /** The prompt form: chat replies get prose and tag handling. */
  promptKind: 'template' | 'native' | 'chat';
}

export interface Rule {
  name: string;
  apply(text: string, input: RuleInput): string;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);

/** Cuts at the first stop sequence (servers may ignore or cap them). */
export const cutAtStop: Rule = {
  name: 'cutAtStop',
  apply(text, { stop }) {
    let end = text.length;
    for (const s of stop) {
      const at = text.indexOf(s);
      if (at !== -1 && at < end) end = at;
    }
    return text.slice(0, end);
  },
};

/** Takes the text inside <fill>…</fill> from a hole-filler reply, and removes an echoed hole marker. */
export const extractFill: Rule = {
  name: 'extractFill',
  apply(text) {
    let out = text;
    const open = out.indexOf(HOLE_OPEN);
    // A fill written on its own lines (<fill>\n…\n</fill>) does not start or end with a line break.
    if (open !== -1) out = out.slice(open + HOLE_OPEN.length).replace(/^\r?\n/, '');
    const close = out.indexOf(HOLE_CLOSE);
    if (close !== -1) out = out.slice(0, close).replace(/\r?\n$/, '');
    return out.split(HOLE).join('');
  },
};

/** Removes a markdown code fence around the completion (```lang … ```). */
export const stripFences: Rule = {
  name: 'stripFences',
  apply(text) {
    const lead = /^\s*```[\w+#.-]*[ \t]*\n/.exec(text);
    if (!lead) {
      // A fence that only closes (the model opened it in its head) is cut off.
      const close = /\n?[ \t]*```\s*$/.exec(text);
      return close ? text.slice(0, close.index) : text;
    }
    let body = text.slice(lead[0].length);
    const close = body.search(/\n?[ \t]*```/);
    if (close !== -1) body = body.slice(0, close);
    return body;
  },
};

const PROSE_LEAD = /^(here is|here's|sure|certainly|the (missing|completed|completion|code)|this (code|completion)|i (have|will|would)|to complete|you can|okay|ok,)\b/i;

function looksLikeProse(line: string): boolean {
  const t = line.trim();
  if (PROSE_LEAD.test(t)) return true;
  const words = t.split(/\s+/).filter(Boolean);
  return words.length >= 5 && /^[A-Z][a-z]/.test(t) && /[.:!]$/.test(t) && !/[;{}()=<>[\]`"]/.test(t);
}

function inStringLiteral(line: string): boolean {
  return scanOutsideStrings(line) !== undefined;
}

/** Drops a chatty lead-in line ("Here is the code:") and answers that are prose, not code. */
export const dropProse: Rule = {
  name: 'dropProse',
  apply(text, { ctx }) {
    // Prose is legitimate inside comments and strings.
    if (inComment(ctx.prefix, ctx.lang) || inStringLiteral(linePrefix(ctx.prefix))) return text;
    const lines = text.split('\n');
    let dropped = false;
    while (lines.length > 0 && (lines[0].trim() === '' ? dropped || (lines.length > 1 && looksLikeProse(lines[1])) : looksLikeProse(lines[0]))) {
      lines.shift();
      dropped = true;
    }
    return dropped ? lines.join('\n') : text;
  },
};

/**
 * Removes prefix text the model repeated: the current line (or the last few lines) up to the
 * cursor, and indentation the cursor already has.
 */
export const stripEchoedPrefix: Rule = {
  name: 'stripEchoedPrefix',
  apply(text, { ctx }) {
    const prefixLines = ctx.prefix.split('\n');
    const current = prefixLines[prefixLines.length - 1];
    const body = text.replace(/^\s*\n/, '');
    for (let k = Math.min(5, prefixLines.length - 1); k >= 0; k--) {
      const echo = prefixLines.slice(prefixLines.length - 1 - k).join('\n').trimStart();
      if (echo.trim() === '' || (k === 0 && echo.trim().length < 2)) continue;
      const candidate = body.trimStart();
      if (candidate.startsWith(echo)) return candidate.slice(echo.length);
    }
    // The cursor is already indented: a reply starting with the same indentation would double it.
    if (current.length > 0 && current.trim() === '' && text.startsWith(current)) return text.slice(current.length);
    return text;
  },
};

/** Keeps the first line only when the context asked for a single line. */
export const singleLine: Rule = {
  name: 'singleLine',
  apply(text, { ctx }) {
    if (ctx.multiline) return text;
    const nl = text.indexOf('\n');
    return nl === -1 ? text : text.slice(0, nl);
  },
};

/** Bracket depth change of a line, ignoring brackets inside quotes and after a line comment. */
function bracketDelta(line: string, lineComment: string): { delta: number; minDepth: number } {
  let depth = 0;
  let min = 0;
  scanOutsideStrings(line, (i, ch) => {
    if (line.startsWith(lineComment, i)) return true;
    if (ch in OPENERS) depth++;
    else if (CLOSERS.has(ch)) {
      depth--;
      if (depth < min) min = depth;
    }
  });
  return { delta: depth, minDepth: min };
}

/**
 * Ends a multiline completion with the enclosing block: for brace languages at the line that
 * closes it (kept only when the suffix does not close it already), for indent languages at the
 * first line that dedents below the block.
 */
export const stopAtBlockEnd: Rule = {
  name: 'stopAtBlockEnd',
  apply(text, { ctx }) {
    if (!ctx.multiline) return text;
    const lines = text.split('\n');
    if (ctx.lang.blocks === 'indent') {
      const blockIndent = (linePrefix(ctx.prefix) + (lines[0] ?? '')).match(/^[ \t]*/)?.[0].length ?? 0;
      for (let i = 1; i < lines.length; i++) {
        if (lines[i].trim() !== '' && indentOf(lines[i]).length < blockIndent) return lines.slice(0, i).join('\n');
      }
      return text;
    }
    let depth = 0;
    for (let i = 0; i < lines.length; i++) {
      const { delta, minDepth } = bracketDelta(lines[i], ctx.lang.lineComment);
      if (depth + minDepth < 0) {
        const suffixClosesIt = /^\s*[)\]}]/.test(ctx.suffix);
        return lines.slice(0, suffixClosesIt ? i : i + 1).join('\n');
      }
      depth += delta;
    }
    return text;
  },
};

/** Caps the number of lines. */
export const maxLines: Rule = {
  name: 'maxLines',
  apply(text, { ctx }) {
    const lines = text.split('\n');
    return lines.length > ctx.maxLines ? lines.slice(0, ctx.maxLines).join('\n') : text;
  },
};

/** Trims whitespace at line ends and drops trailing blank lines. */
export const trimTrailingWhitespace: Rule = {
  name: 'trimTrailingWhitespace',
  apply(text) {
    return text.split('\n').map((l) => l.trimEnd()).join('\n').replace(/\n+$/, '');
  },
};

/** Unmatched closing brackets in a text, in order, with their indexes. */
function unmatchedClosers(text: string): { ch: string; at: number }[] {
  const stack: string[] = [];
  const out: { ch: string; at: number }[] = [];
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote || ch === '\n') quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch in OPENERS) stack.push(OPENERS[ch]);
    else if (CLOSERS.has(ch)) {
      if (stack[stack.length - 1] === ch) stack.pop();
      else out.push({ ch, at: i });
    }
  }
  return out;
}

/**
 * Drops the end of the completion when it repeats the suffix: the rest of the line (or its
 * closing punctuation), or whole lines that follow the cursor.
 */
export const dropSuffixDuplicate: Rule = {
  name: 'dropSuffixDuplicate',
  apply(text, { ctx }) {
    if (text.trim() === '') return text;
    const rest = lineSuffix(ctx.suffix).trim();
    if (!text.includes('\n') && rest !== '') {
      const t = text.trimEnd();
      if (t.trim() === rest) return '';
      // Closing punctuation alone is handled below, where brackets opened by the completion count.
      if (!/^[)\]};,\s]+$/.test(rest) && t.endsWith(rest)) return t.slice(0, t.length - rest.length).trimEnd() === '' ? '' : t.slice(0, t.length - rest.length);
      // Closing punctuation the suffix already has, when the completion did not open it itself.
      const closers = new Set(unmatchedClosers(t).map((c) => c.at));
      for (let k = Math.min(rest.length, t.length); k >= 1; k--) {
        const overlap = t.slice(t.length - k);
        if (rest.startsWith(overlap) && [...overlap].every((ch, j) => (CLOSERS.has(ch) ? closers.has(t.length - k + j) : ch === ';' || ch === ','))) {
          return t.slice(0, t.length - k);
        }
      }
      return text;
    }
    // Whole lines: the completion's last lines equal the first non-blank lines after the cursor.
    const lines = text.split('\n');
    const after = ctx.suffix.split('\n').slice(rest === '' ? 1 : 0).map((l) => l.trim()).filter((l) => l !== '');
    const first = lines.findIndex((l) => l.trim() !== '');
    if (first !== -1 && after.length > 0 && lines[first].trim() === after[0] && lines[first].trim().length > 3) return '';
    for (let k = Math.min(lines.length, after.length); k >= 1; k--) {
      const tail = lines.slice(lines.length - k).map((l) => l.trim());
      if (tail.every((l, j) => l === after[j])) return lines.slice(0, lines.length - k).join('\n');
    }
    return text;
  },
};

/**
 * Keeps brackets balanced against the rest of the line: a closer the completion did not open is cut
 * off, with what follows it, when the suffix closes that bracket already.
 */
export const balanceBrackets: Rule = {
  name: 'balanceBrackets',
  apply(text, { ctx }) {
    if (text.includes('\n')) return text;
    const rest = lineSuffix(ctx.suffix).trimStart();
    const pending = [...rest].filter((ch) => CLOSERS.has(ch) || ch in OPENERS);
    const suffixClosers = unmatchedClosers(pending.join('')).map((c) => c.ch);
    if (suffixClosers.length === 0) return text;
    const first = unmatchedClosers(text)[0];
    if (first && first.ch === suffixClosers[0]) return text.slice(0, first.at).trimEnd();
    return text;
  },
};

/** Drops a completion that only repeats the line above the cursor (a model stuck in a loop). */
export const dropRepetition: Rule = {
  name: 'dropRepetition',
  apply(text, { ctx }) {
    const firstLine = text.split('\n')[0].trim();
    if (firstLine === '' || linePrefix(ctx.prefix).trim() !== '') return text;
    const previous = previousNonBlankLine(ctx.prefix)?.trim();
    return previous !== undefined && previous === firstLine && text.trim().split('\n').length === 1 ? '' : text;
  },
};

/** Whitespace-only completions are no completion. */
export const dropEmpty: Rule = {
  name: 'dropEmpty',
  apply(text) {
    return text.trim() === '' ? '' : text;
  },
};

/** The pipeline, in order. */
export const RULES: Rule[] = [
  cutAtStop,
  extractFill,
  stripFences,
  dropProse,
  stripEchoedPrefix,
  singleLine,
  stopAtBlockEnd,
  maxLines,
  trimTrailingWhitespace,
  dropSuffixDuplicate,
  balanceBrackets,
  dropRepetition,
  trimTrailingWhitespace,
  dropEmpty,
];
