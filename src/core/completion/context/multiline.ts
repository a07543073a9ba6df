/**
 * The multiline decision: one line when code follows the cursor on its line or the cursor is in a
 * line comment; otherwise a completion may span lines, and the postprocess scope rules decide
 * where it ends (as Tabby and Continue do: the model's answer, not the cursor position, shows
 * whether a block follows).
 */
import type { LanguageInfo } from './languages';
import { scanOutsideStrings } from '../text/scanCode';

/** The text of the line the cursor is on, before the cursor. */
export function linePrefix(prefix: string): string {
  return prefix.slice(prefix.lastIndexOf('\n') + 1);
}

/** The text of the line the cursor is on, after the cursor. */
export function lineSuffix(suffix: string): string {
  const nl = suffix.indexOf('\n');
  return nl === -1 ? suffix : suffix.slice(0, nl);
}

/** Index where a line comment starts outside string quotes, or -1. */
function commentStart(line: string, token: string): number {
  if (token === '') return -1;
  let at = -1;
  scanOutsideStrings(line, (i) => {
    if (line.startsWith(token, i)) at = i;
    return at !== -1;
  });
  return at;
}

/** True when the cursor sits inside a comment (line comment, block comment or Python docstring). */
export function inComment(prefix: string, lang: LanguageInfo): boolean {
  return inLineComment(prefix, lang) || openBlockComment(prefix, lang) !== undefined;
}

/** True when the cursor's line has a line comment that starts before the cursor. */
function inLineComment(prefix: string, lang: LanguageInfo): boolean {
  return commentStart(linePrefix(prefix), lang.lineComment) !== -1;
}

/** The token that closes the block comment or docstring the cursor is in, if it is in one. */
export function openBlockComment(prefix: string, lang: LanguageInfo): string | undefined {
  if (lang.blockComment) {
    const [open, close] = lang.blockComment;
    if (prefix.lastIndexOf(open) > prefix.lastIndexOf(close)) return close;
  }
  if (lang.id === 'python') {
    const triples = prefix.match(/"""|'''/g) ?? [];
    if (triples.length % 2 === 1) return triples[triples.length - 1];
  }
  return undefined;
}

/** The last line before the cursor's line that has any non-whitespace text. */
export function previousNonBlankLine(prefix: string): string | undefined {
  // Backwards, line by line: the prefix may be long and the line is usually near its end.
  let end = prefix.lastIndexOf('\n');
  while (end !== -1) {
    const start = prefix.lastIndexOf('\n', end - 1);
    const line = prefix.slice(start + 1, end);
    if (line.trim() !== '') return line;
    end = start;
  }
  return undefined;
}

/**
 * Single line when a word follows the cursor on its line (filling in the middle of code) or the
 * cursor is in a line comment; multiline everywhere else, closers after the cursor included
 * (`foo(│)` may take a block argument). Block comments and docstrings are multiline: their whole
 * text is the completion.
 */
export function decideMultiline(prefix: string, suffix: string, lang: LanguageInfo): boolean {
  if (/\w/.test(lineSuffix(suffix))) return false;
  return !inLineComment(prefix, lang);
}
