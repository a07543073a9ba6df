/** The multiline decision: one line inside a line or a comment, a block body at an empty line after a block opener. */
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

export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

/** Removes a trailing line comment (outside quotes) from a line. */
export function stripLineComment(line: string, lang: LanguageInfo): string {
  const at = commentStart(line, lang.lineComment);
  return at === -1 ? line : line.slice(0, at);
}

/** Index where a line comment starts outside string quotes, or -1. */
function commentStart(line: string, token: string): number {
  let at = -1;
  scanOutsideStrings(line, (i) => {
    if (line.startsWith(token, i)) at = i;
    return at !== -1;
  });
  return at;
}

/** True when the cursor sits inside a comment (line comment, block comment or Python docstring). */
export function inComment(prefix: string, lang: LanguageInfo): boolean {
  if (commentStart(linePrefix(prefix), lang.lineComment) !== -1) return true;
  if (lang.blockComment) {
    const [open, close] = lang.blockComment;
    if (prefix.lastIndexOf(open) > prefix.lastIndexOf(close)) return true;
  }
  if (lang.id === 'python') {
    const triples = (prefix.match(/"""|'''/g) ?? []).length;
    if (triples % 2 === 1) return true;
  }
  return false;
}

/** True when a line (comment stripped) opens a block: ends with {, (, [, => or, in indent languages, ":". */
export function opensBlock(line: string, lang: LanguageInfo): boolean {
  const code = stripLineComment(line, lang).trimEnd();
  if (/[{([]$/.test(code) || code.endsWith('=>')) return true;
  return lang.blocks === 'indent' && code.endsWith(':');
}

/** The last line before the cursor's line that has any non-whitespace text. */
export function previousNonBlankLine(prefix: string): string | undefined {
  const lines = prefix.split('\n');
  lines.pop();
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== '') return lines[i];
  return undefined;
}

/**
 * Multiline only at an empty line right after a block opener; single line when there is text after
 * the cursor on its line, when the cursor is inside a comment, and everywhere else.
 */
export function decideMultiline(prefix: string, suffix: string, lang: LanguageInfo): boolean {
  if (lineSuffix(suffix).trim() !== '') return false;
  if (linePrefix(prefix).trim() !== '') return false;
  if (inComment(prefix, lang)) return false;
  const previous = previousNonBlankLine(prefix);
  return previous !== undefined && opensBlock(previous, lang);
}
