/**
 * Replace, not only insert: when the completion ends the cursor's line and what follows the cursor
 * there is only closers and punctuation (`)`, `");`, `]}`), the completion may replace them, as
 * Tabby (lineEndReplaceLength) and Continue (processSingleLineCompletion) do. It does when that
 * leaves the line better balanced than inserting would: `foo(│)` + `bar, baz);` makes
 * `foo(bar, baz);`, not `foo(bar, baz););`.
 */
import type { CompletionContext } from '../context/assemble';
import { linePrefix, lineSuffix } from '../context/multiline';

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set(Object.values(PAIRS));

/** Unmatched brackets and unclosed quotes in a piece of code (quotes end at a line break, except backticks). */
export function imbalance(code: string): number {
  const stack: string[] = [];
  let problems = 0;
  let quote: string | undefined;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      else if (ch === '\n' && quote !== '`') {
        problems++;
        quote = undefined;
      }
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch in PAIRS) stack.push(PAIRS[ch]);
    else if (CLOSERS.has(ch)) {
      if (stack[stack.length - 1] === ch) stack.pop();
      else problems++;
    }
  }
  return problems + stack.length + (quote ? 1 : 0);
}

/**
 * How many characters after the cursor the completion replaces (0: a pure insertion): the fewest
 * that leave the line best balanced, without doubling a `;` or `,` the completion ends with
 * (`"hello"` before `";` replaces the quote and keeps the semicolon).
 */
export function lineEndReplacement(text: string, ctx: CompletionContext): number {
  const rest = lineSuffix(ctx.suffix).replace(/\r$/, '').trimEnd();
  if (text === '' || rest.trim() === '' || /\w/.test(rest)) return 0;
  const before = linePrefix(ctx.prefix) + text;
  const last = text.trimEnd().slice(-1);
  const score = (k: number) => {
    const kept = rest.slice(k);
    const doubled = /[;,]/.test(last) && kept.trimStart().startsWith(last);
    return imbalance(before + kept) * 2 + (doubled ? 1 : 0);
  };
  let best = 0;
  let bestScore = score(0);
  for (let k = 1; k <= rest.length; k++) {
    const s = score(k);
    if (s < bestScore) {
      best = k;
      bestScore = s;
    }
  }
  return best;
}
