/** Prefix and suffix windows around the cursor within a token budget, prefix-heavy, cut on line boundaries. */

/** A cheap token estimate (about four characters per token for code); good enough for budgeting. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The last `maxChars` of the text, starting at a line boundary when it had to cut. */
function tailLines(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(text.length - maxChars);
  const nl = cut.indexOf('\n');
  return nl === -1 ? cut : cut.slice(nl + 1);
}

/** The first `maxChars` of the text, ending at a line boundary when it had to cut. */
function headLines(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const nl = cut.lastIndexOf('\n');
  return nl === -1 ? cut : cut.slice(0, nl + 1);
}

export interface Windows {
  prefix: string;
  suffix: string;
}

/**
 * Splits the budget three to one between prefix and suffix; whatever one side does not use
 * goes to the other (a cursor near the end of a file gets a longer prefix).
 */
export function windowAround(text: string, offset: number, budgetTokens: number): Windows {
  const budgetChars = Math.max(0, budgetTokens) * 4;
  const before = text.slice(0, offset);
  const after = text.slice(offset);
  let suffixChars = Math.floor(budgetChars / 4);
  let prefixChars = budgetChars - suffixChars;
  if (after.length < suffixChars) {
    prefixChars += suffixChars - after.length;
    suffixChars = after.length;
  } else if (before.length < prefixChars) {
    suffixChars += prefixChars - before.length;
    prefixChars = before.length;
  }
  // The cursor's own lines are never cut: a window that drops them would lose the hole.
  const prefix = tailLines(before, prefixChars);
  const suffix = headLines(after, suffixChars);
  const curLineStart = before.lastIndexOf('\n') + 1;
  const nl = after.indexOf('\n');
  return {
    prefix: prefix.length < before.length - curLineStart ? before.slice(curLineStart) : prefix,
    suffix: suffix.length < (nl === -1 ? after.length : nl) ? after.slice(0, nl === -1 ? after.length : nl) : suffix,
  };
}
