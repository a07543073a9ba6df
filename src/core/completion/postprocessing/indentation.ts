/**
 * Repairs indentation glitches of FIM models: a first line indented one space off the cursor's
 * column, and later lines with an odd number of spaces in a file indented in steps of two or four
 * (as Tabby's normalizeIndentation does). Tab files, and ` * ` comment lines, are left alone.
 */
import { linePrefix } from '../context/multiline';
import type { Rule } from './rules';
import { isBlank } from './text';

function leadingSpaces(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0;
}

/** True when the code around the cursor is indented with spaces in even steps. */
function evenSpaceIndented(prefix: string, suffix: string): boolean {
  const lines = [...prefix.split('\n').slice(-60), ...suffix.split('\n').slice(0, 20)].filter((l) => !isBlank(l) && !/^\s*\*/.test(l));
  if (lines.some((l) => l.startsWith('\t'))) return false;
  return lines.every((l) => leadingSpaces(l) % 2 === 0);
}

export const normalizeIndentation: Rule = {
  name: 'normalizeIndentation',
  apply(text, { ctx }) {
    const current = linePrefix(ctx.prefix);
    if (current.includes('\t') || !evenSpaceIndented(ctx.prefix, ctx.suffix)) return text;
    const lines = text.split('\n');
    if (isBlank(current) && !isBlank(lines[0])) {
      const lead = leadingSpaces(lines[0]);
      if ((current.length + lead) % 2 !== 0) lines[0] = lines[0].slice(lead);
    }
    for (let i = 1; i < lines.length; i++) {
      const lead = leadingSpaces(lines[i]);
      if (isBlank(lines[i]) || lead % 2 === 0 || /^\s*\*/.test(lines[i])) continue;
      lines[i] = ' '.repeat(lead - 1) + lines[i].slice(lead);
    }
    return lines.join('\n');
  },
};
