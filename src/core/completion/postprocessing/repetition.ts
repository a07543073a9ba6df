/**
 * A model stuck in a loop, or copying code that is already there: repeated lines and blocks are cut
 * to their first copy, a line that ends in a repeating pattern is dropped, and the completion stops
 * where it reaches the code below the cursor (compared by edit distance, not only exactly).
 */
import { linePrefix } from '../context/multiline';
import type { Rule } from './rules';
import { firstSuffixLine } from './scope';
import { distance, isBlank, nearlyEqual } from './text';

/** Identical lines in a row, and near-identical ones, from which on the rest is a loop. */
const SAME_LINE_RUN = 3;
const SIMILAR_LINE_RUN = 6;
const SIMILAR_BLOCK_RUN = 3;

/** Index of the first line of a run of repeated lines (its first copy is kept), or -1. */
function repeatedLinesAt(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    if (isBlank(lines[i])) continue;
    let same = 1;
    let similar = 1;
    for (let j = i + 1; j < lines.length && !isBlank(lines[j]); j++) {
      if (lines[j] === lines[i] && same === j - i) same++;
      if (nearlyEqual(lines[j], lines[j - 1])) similar++;
      else break;
    }
    if (same >= SAME_LINE_RUN || similar >= SIMILAR_LINE_RUN) return i;
  }
  return -1;
}

/** Blocks separated by blank lines; returns the line index where the repeated copies start, or -1. */
function repeatedBlocksAt(lines: string[]): number {
  const blocks: { start: number; text: string }[] = [];
  let start = -1;
  for (let i = 0; i <= lines.length; i++) {
    const blank = i === lines.length || isBlank(lines[i]);
    if (!blank && start === -1) start = i;
    if (blank && start !== -1) {
      blocks.push({ start, text: lines.slice(start, i).join('\n').trim() });
      start = -1;
    }
  }
  for (let b = 0; b + SIMILAR_BLOCK_RUN - 1 < blocks.length; b++) {
    let run = 1;
    while (b + run < blocks.length && blockSimilar(blocks[b + run - 1].text, blocks[b + run].text)) run++;
    if (run >= SIMILAR_BLOCK_RUN) return blocks[b + 1].start;
  }
  return -1;
}

function blockSimilar(a: string, b: string): boolean {
  return a === b || distance(a, b) <= 0.1 * Math.max(a.length, b.length);
}

/** Cuts a multiline completion at the start of a loop: repeated lines or repeated blocks. */
export const stopAtRepetition: Rule = {
  name: 'stopAtRepetition',
  apply(text, { ctx }) {
    const lines = text.split('\n');
    if (lines.length < SAME_LINE_RUN) return text;
    // The first line as it will stand, after the cursor's indentation.
    const lineRun = repeatedLinesAt([linePrefix(ctx.prefix) + lines[0], ...lines.slice(1)]);
    const blockRun = repeatedBlocksAt(lines);
    // The first copy of a repeated line stays; a repeated block is cut where its copies start.
    const cuts = [lineRun === -1 ? -1 : lineRun + 1, blockRun].filter((i) => i !== -1);
    if (cuts.length === 0) return text;
    return lines.slice(0, Math.min(...cuts)).join('\n').trimEnd();
  },
};

/**
 * Stops where the completion reaches the code below the cursor: from the first line that is
 * (nearly) the next non-blank line after the cursor. A completion that starts with it is nothing.
 * Short closer lines (`}`, `end`) are left to dropDuplicateBlockCloser, which weighs indentation.
 */
export const stopAtSuffixLine: Rule = {
  name: 'stopAtSuffixLine',
  apply(text, { ctx }) {
    if (!ctx.multiline) return text;
    const below = firstSuffixLine(ctx.suffix);
    if (below === undefined || below.trim().length <= 4) return text;
    const lines = text.split('\n');
    const placed = [linePrefix(ctx.prefix) + lines[0], ...lines.slice(1)];
    for (let i = 0; i < placed.length; i++) {
      if (isBlank(placed[i]) || placed[i].trim().length <= 4) continue;
      if (nearlyEqual(placed[i], below)) return i === 0 ? '' : lines.slice(0, i).join('\n').trimEnd();
    }
    return text;
  },
};

/** A line ending in a pattern repeated many times (`foo = foo = foo = …`): its 3+ characters six times, or 10+ four times. */
const LINE_END_REPEATS = [/(.{3,}?)\1{5,}$/, /(.{10,}?)\1{3,}$/];

/** Drops the last line when it ends in a loop of a pattern with a word in it (a `=====` rule line is fine). */
export const dropLineEndRepetition: Rule = {
  name: 'dropLineEndRepetition',
  apply(text) {
    const lines = text.split('\n');
    let last = lines.length - 1;
    while (last >= 0 && isBlank(lines[last])) last--;
    if (last < 0) return text;
    const line = lines[last];
    // The shortest loop the patterns catch is 18 characters long.
    if (line.length < 18) return text;
    for (const pattern of LINE_END_REPEATS) {
      const m = pattern.exec(line);
      if (m && /\w/.test(m[1])) return lines.slice(0, last).join('\n').trimEnd();
    }
    return text;
  },
};
