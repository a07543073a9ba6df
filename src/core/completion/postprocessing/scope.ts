/**
 * Where a multiline completion ends: at the end of the block it started in, judged by indentation
 * (as Tabby's limitScopeByIndentation does) so that closers, `end` and dedents all count, and a
 * closing line is kept only when the code after the cursor does not close the block already.
 */
import { linePrefix, openBlockComment, previousNonBlankLine } from '../context/multiline';
import type { Rule } from './rules';
import { indentWidth, isBlank } from './text';

/** Lines that close one block and open the next: `} else {`, `}, {`, `elif x:`, `else`, `catch e`. */
function isContinuation(line: string): boolean {
  return /^\s*[)\]}].*[{([:]\s*$/.test(line) || /^\s*[)\]}]?\s*(else|elif|elsif|except|finally|catch|rescue|ensure)\b/.test(line);
}

/** How a closing line starts in brace languages: a closer, an end tag, a shell block end. */
const CLOSING_LINE = /^\s*([)\]}]|<\/|(end|fi|done|esac)\b)/;

function nextNonBlank(lines: string[], from: number): number {
  let i = from;
  while (i < lines.length && isBlank(lines[i])) i++;
  return i;
}

/** The first non-blank line of the code after the cursor's line, if any. */
export function firstSuffixLine(suffix: string): string | undefined {
  let start = suffix.indexOf('\n');
  while (start !== -1) {
    const end = suffix.indexOf('\n', start + 1);
    const line = suffix.slice(start + 1, end === -1 ? suffix.length : end);
    if (!isBlank(line)) return line;
    start = end;
  }
  return undefined;
}

/** Whether line `i` opens a block: the next non-blank line is indented deeper. */
function opensBlock(lines: string[], i: number): boolean {
  const next = nextNonBlank(lines, i + 1);
  return next < lines.length && indentWidth(lines[i]) < indentWidth(lines[next]);
}

/** Cuts a completion inside a block comment or docstring after the line that closes it. */
function toCommentEnd(lines: string[], close: string): string[] {
  const at = lines.findIndex((l, i) => i > 0 && l.includes(close));
  return at === -1 ? lines : lines.slice(0, at + 1);
}

export const stopAtBlockEnd: Rule = {
  name: 'stopAtBlockEnd',
  apply(text, { ctx }) {
    if (!ctx.multiline) return text;
    const lines = text.split('\n');
    if (lines.length < 2) return text;
    const closeComment = openBlockComment(ctx.prefix, ctx.lang);
    if (closeComment) return toCommentEnd(lines, closeComment).join('\n');

    const current = linePrefix(ctx.prefix);
    // The lines as they will stand in the document (the first one joins the cursor's line).
    const placed = [current + lines[0], ...lines.slice(1)];
    const reference = previousNonBlankLine(ctx.prefix + '\n');
    if (reference === undefined) return text;
    const referenceIndent = indentWidth(reference);
    const firstCode = nextNonBlank(lines, 0);
    if (firstCode >= lines.length) return text;
    const completionIndent = firstCode === 0 ? indentWidth(placed[0]) : indentWidth(lines[firstCode]);

    let limit: number;
    let allowClosing = true;
    if (!isBlank(current) && !isBlank(lines[0])) {
      // Continuing the cursor's line. When it opens a block or ends a statement, lines after it
      // belong to it only while indented deeper (a closing line only after an opener), as in
      // Tabby. In a brace language, a line that ends neither (`City   string` in a struct, a
      // match arm) is one item of a list that the next lines at its indentation continue.
      allowClosing = opensBlock(placed, 0);
      const listItem = ctx.lang.blocks === 'braces' && !allowClosing && !/[;{]\s*$/.test(placed[0]);
      limit = listItem ? referenceIndent : referenceIndent + 1;
      if (listItem) allowClosing = true;
    } else if (completionIndent > referenceIndent) {
      limit = referenceIndent + 1;
    } else {
      limit = referenceIndent;
    }
    const below = firstSuffixLine(ctx.suffix);
    if (below !== undefined) allowClosing &&= indentWidth(below) < limit;

    for (let i = 1; i < lines.length; i++) {
      if (isBlank(lines[i]) || indentWidth(lines[i]) >= limit) continue;
      if (isContinuation(lines[i]) && opensBlock(placed, i)) continue;
      // Indent languages: a dedent after a blank line is the next item, not the block's end.
      // Brace languages: only a closer closes (a dedented sentence is chatter, not code).
      const closes = ctx.lang.blocks === 'indent' ? !isBlank(lines[i - 1]) : CLOSING_LINE.test(lines[i]);
      const keep = allowClosing && closes;
      return lines.slice(0, keep ? i + 1 : i).join('\n').trimEnd();
    }
    return text;
  },
};

/** Drops a last closing line that the line after the cursor repeats (`}` the suffix already has). */
export const dropDuplicateBlockCloser: Rule = {
  name: 'dropDuplicateBlockCloser',
  apply(text, { ctx }) {
    const lines = text.split('\n');
    if (lines.length < 2) return text;
    const last = lines[lines.length - 1];
    const placed = [linePrefix(ctx.prefix) + lines[0], ...lines.slice(1)];
    let j = placed.length - 2;
    while (j >= 0 && isBlank(placed[j])) j--;
    // Only a closing line (indented less than the line before it) can be a duplicated closer.
    if (isBlank(last) || j < 0 || indentWidth(placed[j]) <= indentWidth(last)) return text;
    const below = firstSuffixLine(ctx.suffix);
    if (below === undefined) return text;
    const a = last.trimEnd();
    const b = below.trimEnd();
    if (a.startsWith(b) || b.startsWith(a)) return lines.slice(0, -1).join('\n').trimEnd();
    return text;
  },
};
