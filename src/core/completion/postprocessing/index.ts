/**
 * The postprocess pipeline over a raw model completion, in three stages: clean (stops, thinking,
 * fences, chatter, echoes, indentation), limit (where the completion ends: one line, the block, the
 * code below, a loop, the line cap) and tidy (duplicated closers and suffix, brackets, whitespace,
 * completions not worth showing). Limit rules only ever cut at a line; the generation stage relies
 * on that to settle a stream early with the same result as the whole answer.
 */
import { dropDuplicateBlockCloser, stopAtBlockEnd } from './scope';
import { normalizeIndentation } from './indentation';
import { stripThinking } from './reasoning';
import { lineEndReplacement } from './replace';
import { dropLineEndRepetition, stopAtRepetition, stopAtSuffixLine } from './repetition';
import {
  balanceBrackets, cutAtStop, dropEmpty, dropProse, dropRepetition, dropSuffixDuplicate, dropTooShort, extractFill,
  maxLines, singleLine, stripEchoedPrefix, stripFences, type Rule, type RuleInput,
} from './rules';
import { trimLeadingSpace, trimTrailingWhitespace } from './spacing';

export const CLEAN_RULES: Rule[] = [cutAtStop, stripThinking, extractFill, stripFences, dropProse, stripEchoedPrefix, normalizeIndentation, trimLeadingSpace];
export const LIMIT_RULES: Rule[] = [singleLine, stopAtBlockEnd, stopAtSuffixLine, stopAtRepetition, maxLines];
const TIDY_RULES: Rule[] = [dropDuplicateBlockCloser, dropLineEndRepetition, trimTrailingWhitespace, dropSuffixDuplicate, balanceBrackets, dropRepetition, dropEmpty, dropTooShort];

/** The pipeline, in order. */
export const RULES: Rule[] = [...CLEAN_RULES, ...LIMIT_RULES, ...TIDY_RULES];

/** Name of the step that makes a completion replace closers after the cursor (in `changedBy` when it does). */
export const REPLACE_STEP = 'replaceLineEnd';

export interface PostprocessTrace {
  text: string;
  /** Names of the rules that changed the text, in order. */
  changedBy: string[];
  /** Characters after the cursor, on its line, that the text replaces (0: pure insertion). */
  replaceLength: number;
}

/** Runs rules in order, noting which changed the text; stops at an empty text. */
export function runRules(rules: Rule[], raw: string, input: RuleInput, changedBy: string[] = []): string {
  let text = raw;
  for (const rule of rules) {
    if (text === '') break;
    const next = rule.apply(text, input);
    if (next !== text) changedBy.push(rule.name);
    text = next;
  }
  return text;
}

export function postprocess(raw: string, input: RuleInput): PostprocessTrace {
  const changedBy: string[] = [];
  const text = runRules(RULES, raw, input, changedBy);
  const replaceLength = lineEndReplacement(text, input.ctx);
  if (replaceLength > 0) changedBy.push(REPLACE_STEP);
  return { text, changedBy, replaceLength };
}

export type { Rule, RuleInput } from './rules';
