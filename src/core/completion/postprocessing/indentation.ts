/**
 * Repairs indentation glitches of FIM models: a first line indented one space off the cursor's
 * column, and later lines with an odd number of spaces in a file indented in steps of two or four
 * (as Tabby's normalizeIndentation does). Tab files, and ` * ` comment lines, are left alone.
 */
import { linePrefix } from '../context/multiline';
import type { Rule } from './rules';
import { isBlank, lastLines } from './text';

function leadingSpaces(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0;
}

/** True when the code around the cursor is indented with spaces in even steps. */
function evenSpaceIndented(prefix: string, suffix: string): boolean {
  const lines = [...lastLines(prefix, 60), ...suffix.slice(0, 2000).split('\n').slice(0, 20)].filter((l) => !isBlank(l) && !/^\s*\*/.test(l));
  if (lines.some((l) => l.startsWith('\t'))) return false;
  return lines.every((l) => leadingSpaces(l) % 2 === 0);
}

export const normalizeIndentation: Rule = {
  name: 'normalizeIndentation',
  apply(text, { ctx }) {
    const current = linePrefix(ctx.prefix);
    if (current.includes('\t')) return text;
    const lines = text.split('\n');
    // Cheap test first: most completions have nothing odd to repair, and reading the file's indentation costs more.
    const odd = (isBlank(current) && (current.length + leadingSpaces(lines[0])) % 2 !== 0) || lines.some((l, i) => i > 0 && leadingSpaces(l) % 2 !== 0);
    if (!odd || !evenSpaceIndented(ctx.prefix, ctx.suffix)) return text;
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
