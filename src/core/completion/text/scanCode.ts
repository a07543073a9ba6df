/** Walks a line of code outside its string literals ('…', "…", `…`, with backslash escapes). */

/**
 * Calls `visit` for every character outside string quotes (quote characters themselves excluded)
 * until it returns true. Returns the quote character still open at the end of the line, if any.
 */
export function scanOutsideStrings(line: string, visit?: (index: number, ch: string) => boolean | void): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
    } else if (visit?.(i, ch)) {
      return undefined;
    }
  }
  return quote;
}
