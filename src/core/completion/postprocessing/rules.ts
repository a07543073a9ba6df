/**
 * Postprocess rules, each a small pure function from (completion text, context) to text. The
 * pipeline in index.ts runs them in order; golden cases under test/golden/completion prove each.
 */
import type { CompletionContext } from '../context/assemble';
import { inComment, linePrefix, lineSuffix, previousNonBlankLine } from '../context/multiline';
import { imbalance, lineEndReplacement } from './replace';
import { lastLines, nearlyEqual } from './text';
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

/**
 * End and FIM tokens of the common model families: they never belong in code, so they end any
 * completion, whichever template the prompt used (a model behind a proxy, a misconfigured family).
 */
const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_end|>', '<|im_start|>', '<|file_sep|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|file_separator|>', '<|EOT|>', '<｜end▁of▁sentence｜>', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'];

/** Cuts at the first stop sequence (servers may ignore or cap them) or special token. */
export const cutAtStop: Rule = {
  name: 'cutAtStop',
  apply(text, { stop }) {
    let end = text.length;
    for (const s of [...stop, ...SPECIAL_TOKENS]) {
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

const FENCE_OPEN = /^[ \t]*```[\w+#.-]*[ \t]*$/;
const FENCE_CLOSE = /^[ \t]*```[ \t]*$/;
const PROSE_LEAD = /^(here is|here's|here you go|sure|certainly|of course|the (missing|completed|completion|code)|this (code|completion)|i (have|will|would)|to (complete|fill)|you can|okay|ok,)\b/i;

/** A chat lead-in line: "Here is the completion:", "Sure! Here you go:", "```" excluded. */
function isLeadIn(line: string): boolean {
  const t = line.trim();
  return PROSE_LEAD.test(t) || (/:$/.test(t) && /^[A-Z][a-z]/.test(t) && !/[;{}()=<>[\]`"]/.test(t));
}

/**
 * Removes a markdown code fence around the completion (```lang … ```), also after a chat lead-in
 * ("Here is the completion:"), and a closing fence on a line of its own. A fence in the middle of a
 * line (`// end```) is code.
 */
export const stripFences: Rule = {
  name: 'stripFences',
  apply(text) {
    const lines = text.split('\n');
    let open = 0;
    while (open < Math.min(lines.length, 4) && (lines[open].trim() === '' || isLeadIn(lines[open]))) open++;
    if (open < lines.length && FENCE_OPEN.test(lines[open])) {
      const body = lines.slice(open + 1);
      const close = body.findIndex((l) => FENCE_CLOSE.test(l));
      return (close === -1 ? body : body.slice(0, close)).join('\n');
    }
    // A fence that only closes (the model opened it in its head) ends the completion.
    const close = lines.findIndex((l) => FENCE_CLOSE.test(l));
    return close === -1 ? text : lines.slice(0, close).join('\n');
  },
};

function looksLikeProse(line: string): boolean {
  const t = line.trim();
  if (PROSE_LEAD.test(t)) return true;
  const words = t.split(/\s+/).filter(Boolean);
  return words.length >= 5 && /^[A-Z][a-z]/.test(t) && /[.:!]$/.test(t) && !/[;{}()=<>[\]`"]/.test(t);
}

function inStringLiteral(line: string): boolean {
  return scanOutsideStrings(line) !== undefined;
}

/**
 * Drops a chatty lead-in line ("Here is the code:") and, from chat models, answers that are prose
 * rather than code. Never in comments, strings or markup and text files, where sentences are content.
 */
export const dropProse: Rule = {
  name: 'dropProse',
  apply(text, { ctx, promptKind }) {
    if (ctx.lang.prose || inComment(ctx.prefix, ctx.lang) || inStringLiteral(linePrefix(ctx.prefix))) return text;
    const isProse = promptKind === 'chat' ? looksLikeProse : (line: string) => PROSE_LEAD.test(line.trim()) && /[:!]$/.test(line.trim());
    const lines = text.split('\n');
    let dropped = false;
    while (lines.length > 0 && (lines[0].trim() === '' ? dropped || (lines.length > 1 && isProse(lines[1])) : isProse(lines[0]))) {
      lines.shift();
      dropped = true;
    }
    return dropped ? lines.join('\n') : text;
  },
};

/** The texts a model may echo: the cursor's line up to the cursor, with up to five lines before it. */
function echoCandidates(prefix: string): string[] {
  const prefixLines = lastLines(prefix, 6);
  const out: string[] = [];
  for (let k = Math.min(5, prefixLines.length - 1); k >= 0; k--) {
    const echo = prefixLines.slice(prefixLines.length - 1 - k).join('\n').trimStart();
    if (echo.trim() === '' || (k === 0 && echo.trim().length < 2)) continue;
    out.push(echo);
  }
  return out;
}

/**
 * Removes prefix text the model repeated: the current line (or the last few lines) up to the
 * cursor, and indentation the cursor already has.
 */
export const stripEchoedPrefix: Rule = {
  name: 'stripEchoedPrefix',
  apply(text, { ctx }) {
    const current = linePrefix(ctx.prefix);
    const candidate = text.replace(/^\s*\n/, '').trimStart();
    for (const echo of echoCandidates(ctx.prefix)) {
      if (candidate.startsWith(echo)) return candidate.slice(echo.length);
    }
    // The cursor is already indented: a reply starting with the same indentation would double it.
    if (current.length > 0 && current.trim() === '' && text.startsWith(current)) return text.slice(current.length);
    return text;
  },
};

/** True while a partial answer could still turn out to be an echo of the prefix (it is a start of one). */
export function echoPending(text: string, ctx: CompletionContext): boolean {
  const candidate = text.replace(/^\s*\n/, '').trimStart();
  return candidate !== '' && echoCandidates(ctx.prefix).some((echo) => echo.length > candidate.length && echo.startsWith(candidate));
}

/** Keeps the first line only when the context asked for a single line. */
export const singleLine: Rule = {
  name: 'singleLine',
  apply(text, { ctx }) {
    if (ctx.multiline) return text;
    const nl = text.indexOf('\n');
    return nl === -1 ? text : text.slice(0, nl);
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
      // Only when dropping them balances the line better (`values), 2)` before `))` closed `sum(` itself).
      const line = (x: string) => imbalance(linePrefix(ctx.prefix) + x + lineSuffix(ctx.suffix));
      for (let k = Math.min(rest.length, t.length); k >= 1; k--) {
        const overlap = t.slice(t.length - k);
        if (rest.startsWith(overlap) && [...overlap].every((ch, j) => (CLOSERS.has(ch) ? closers.has(t.length - k + j) : ch === ';' || ch === ','))) {
          const trimmed = line(t.slice(0, t.length - k));
          // Replacing the suffix's closers may balance it better still: then leave the text whole.
          const replaced = lineEndReplacement(t, ctx) > 0 ? imbalance(linePrefix(ctx.prefix) + t) : Infinity;
          return trimmed < line(t) && trimmed <= replaced ? t.slice(0, t.length - k) : text;
        }
      }
      return text;
    }
    // Whole lines: the completion's last lines equal the first non-blank lines after the cursor,
    // indentation included (an inner `  }` is not the outer `}` below it).
    const lines = text.split('\n');
    const after = ctx.suffix.split('\n').slice(rest === '' ? 1 : 0).map((l) => l.trimEnd()).filter((l) => l !== '');
    const first = lines.findIndex((l) => l.trim() !== '');
    if (first !== -1 && after.length > 0 && lines[first].trim() === after[0].trim() && lines[first].trim().length > 3) return '';
    const placed = [linePrefix(ctx.prefix) + lines[0], ...lines.slice(1)].map((l) => l.trimEnd());
    for (let k = Math.min(lines.length, after.length); k >= 1; k--) {
      const tail = placed.slice(placed.length - k);
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
    const closers = unmatchedClosers(text);
    const first = closers[0];
    if (!first || first.ch !== suffixClosers[0]) return text;
    // A completion that ends the line with its own closers (`max), min);` before `))`) replaces
    // the suffix's instead (see replace.ts); code or a comment after its last closer is cut with it.
    const last = closers[closers.length - 1];
    if (!/\w/.test(rest) && /^[)\]};,\s]*$/.test(text.slice(last.at)) && lineEndReplacement(text, ctx) > 0) return text;
    return text.slice(0, first.at).trimEnd();
  },
};

/**
 * Drops a completion whose first line only repeats the line above the cursor (a model stuck in a
 * loop). Short lines such as `end` or `}` close another block and are kept.
 */
export const dropRepetition: Rule = {
  name: 'dropRepetition',
  apply(text, { ctx }) {
    const current = linePrefix(ctx.prefix);
    const firstLine = text.split('\n').find((l) => l.trim() !== '');
    if (firstLine === undefined) return text;
    // At an empty line the line above is the last one before it; after code, the cursor's own line.
    const typed = current.trim() === '';
    if (!typed && !/^\s*\n/.test(text)) return text;
    const above = (typed ? previousNonBlankLine(ctx.prefix) : current + lineSuffix(ctx.suffix))?.trim();
    if (above === undefined || above.length <= 4) return text;
    return nearlyEqual(above, firstLine) ? '' : text;
  },
};

/** Whitespace-only completions are no completion. */
export const dropEmpty: Rule = {
  name: 'dropEmpty',
  apply(text) {
    return text.trim() === '' ? '' : text;
  },
};

/**
 * A completion must be worth a Tab: a lone separator (`;`, `,`, `.`) is not. A single word
 * character, closing bracket or operator is (`0`, `)`, `:` after `if x`, `*`).
 */
export const dropTooShort: Rule = {
  name: 'dropTooShort',
  apply(text) {
    return /^\s*[;,.]\s*$/.test(text) ? '' : text;
  },
};
