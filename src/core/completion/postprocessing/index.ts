/** Runs the postprocess rules over a raw model completion. */
import { RULES, type RuleInput } from './rules';

export interface PostprocessTrace {
  text: string;
  /** Names of the rules that changed the text, in order. */
  changedBy: string[];
}

export function postprocess(raw: string, input: RuleInput): PostprocessTrace {
  let text = raw;
  const changedBy: string[] = [];
  for (const rule of RULES) {
    const next = rule.apply(text, input);
    if (next !== text) changedBy.push(rule.name);
    text = next;
    if (text === '') break;
  }
  return { text, changedBy };
}

export type { RuleInput } from './rules';
export { RULES } from './rules';
