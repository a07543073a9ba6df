/**
 * Whitespace at the two ends of a completion: no second space after a cursor that follows one, and
 * trailing whitespace trimmed only where the line ends (`log(│message)` + `error, ` keeps its space).
 */
import { linePrefix, lineSuffix } from '../context/multiline';
import type { Rule } from './rules';

/** The cursor follows a space: a completion starting with spaces would double it. */
export const trimLeadingSpace: Rule = {
  name: 'trimLeadingSpace',
  apply(text, { ctx }) {
    const current = linePrefix(ctx.prefix);
    if (current.trim() === '' || !/[ \t]$/.test(current)) return text;
    return text.replace(/^[ \t]+/, '');
  },
};

/** Whether the completion's last line runs into code on the cursor's line (its space is meant). */
function runsIntoCode(rest: string): boolean {
  return rest !== '' && !/^[\s)\]};,.:]/.test(rest);
}

/** Trims whitespace at line ends and drops trailing blank lines; the end of the last line only where nothing follows it. */
export const trimTrailingWhitespace: Rule = {
  name: 'trimTrailingWhitespace',
  apply(text, { ctx }) {
    const lines = text.split('\n');
    const keepEnd = runsIntoCode(lineSuffix(ctx.suffix));
    const out = lines.map((l, i) => (i === lines.length - 1 && keepEnd ? l : l.trimEnd())).join('\n');
    if (keepEnd && !out.includes('\n')) return out;
    return out.replace(/\s*\n\s*$/, '').replace(/\n+$/, '');
  },
};
