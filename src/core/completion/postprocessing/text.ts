/** Line helpers the postprocess rules share: indentation widths, blank lines, near-equal lines. */
import { distance } from 'fastest-levenshtein';

export function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** Indentation width in columns (a tab counts as four), so tab and space files compare alike. */
export function indentWidth(line: string): number {
  let width = 0;
  for (const ch of line) {
    if (ch === ' ') width++;
    else if (ch === '\t') width += 4;
    else break;
  }
  return width;
}

/**
 * Lines that differ by at most a tenth of their length (a renamed variable, a changed digit),
 * compared without surrounding whitespace; lines of four characters or fewer only when equal.
 */
export function nearlyEqual(a: string, b: string, ratio = 0.1): boolean {
  const x = a.trim();
  const y = b.trim();
  if (x === y) return true;
  if (x.length <= 4 || y.length <= 4) return false;
  return distance(x, y) <= ratio * Math.max(x.length, y.length);
}

/** The last `n` lines of a text (all when it has fewer), without splitting all of it: prefixes are long. */
export function lastLines(text: string, n: number): string[] {
  let cut = text.length;
  for (let k = 0; k < n; k++) {
    const nl = text.lastIndexOf('\n', cut - 1);
    if (nl === -1) return text.split('\n');
    cut = nl;
  }
  return text.slice(cut + 1).split('\n');
}

export { distance };
