/**
 * The text *Insert* puts at a cursor for a chat code block: the code on lines of its own. Text
 * before the cursor on its line gets a line break after it, text after the cursor a line break
 * before it, so the code is never glued to the previous (or next) line. Pure: unit-tested.
 */
export interface InsertPoint {
  /** The line's text before the cursor (or before the selection's start). */
  before: string;
  /** The line's text after the cursor (or after the selection's end). */
  after: string;
  /** The document's line break. */
  eol: '\n' | '\r\n';
}

export function textToInsert(code: string, at: InsertPoint): string {
  const body = code.replace(/\r?\n$/, '').replace(/\r?\n/g, at.eol);
  const lead = at.before.trim() === '' ? '' : at.eol;
  const tail = at.after.trim() === '' ? '' : at.eol;
  return `${lead}${body}${tail}`;
}
