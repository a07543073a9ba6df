/** Reasoning models (Qwen3, DeepSeek-R1…) think aloud in <think>…</think> before answering: only the answer counts. */
import type { Rule } from './rules';

const OPEN = '<think>';
const CLOSE = '</think>';

export const stripThinking: Rule = {
  name: 'stripThinking',
  apply(text) {
    const opens = text.trimStart().startsWith(OPEN);
    const close = text.indexOf(CLOSE);
    // Still thinking (or cut off while thinking): no answer yet.
    if (close === -1) return opens ? '' : text;
    // A bare </think> means the chat template opened the tag: what comes before it is thought too.
    if (!opens && text.includes(OPEN)) return text;
    // The blank lines that separate the thought from the answer are not part of it.
    return text.slice(close + CLOSE.length).replace(/^\s*\n/, '');
  },
};
