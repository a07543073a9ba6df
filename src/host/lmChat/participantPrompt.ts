/**
 * What @switchyard sends for a request in VS Code's Chat: the slash command's instruction, the
 * earlier turns of this conversation, and the context (selection, references, retrieved code).
 * Pure, so the prompt is tested in plain Node.
 */
import { DEFAULT_SYSTEM_PROMPT, renderUserPrompt, type ResolvedContext } from '../../core/chat/prompt';
import { formatUsd } from '../../core/cost/money';
import type { BudgetState } from '../../core/cost/budget';
import type { ChatMessage } from '../../core/models/types';

export type ParticipantCommand = 'explain' | 'fix' | 'tests' | 'cost';

const PARTICIPANT_COMMANDS: Record<Exclude<ParticipantCommand, 'cost'>, { instruction: string; defaultQuestion: string }> = {
  explain: {
    instruction: 'Explain what the given code does, how, and anything surprising in it. Refer to names in the code.',
    defaultQuestion: 'Explain this code.',
  },
  fix: {
    instruction: 'Find the bugs in the given code and return the complete fixed code in one fenced block, then list each fix in a line.',
    defaultQuestion: 'Fix the problems in this code.',
  },
  tests: {
    instruction: "Write unit tests for the given code with the test framework the workspace already uses (guess from imports and file names; say which). Return the complete test file in one fenced block.",
    defaultQuestion: 'Write tests for this code.',
  },
};

/** One earlier exchange of this participant's conversation. */
export interface ParticipantTurn {
  question: string;
  answer: string;
}

export interface ParticipantPromptInput {
  command?: string;
  question: string;
  history: ParticipantTurn[];
  contexts: ResolvedContext[];
}

export function isParticipantCommand(command: string | undefined): command is ParticipantCommand {
  return command === 'explain' || command === 'fix' || command === 'tests' || command === 'cost';
}

export function participantMessages(input: ParticipantPromptInput): ChatMessage[] {
  const command = isParticipantCommand(input.command) && input.command !== 'cost' ? input.command : undefined;
  const spec = command ? PARTICIPANT_COMMANDS[command] : undefined;
  const system = spec ? `${DEFAULT_SYSTEM_PROMPT} ${spec.instruction}` : DEFAULT_SYSTEM_PROMPT;
  const messages: ChatMessage[] = [{ role: 'system', content: system }];
  for (const turn of input.history) {
    messages.push({ role: 'user', content: turn.question });
    if (turn.answer) messages.push({ role: 'assistant', content: turn.answer });
  }
  const question = input.question.trim() || spec?.defaultQuestion || input.question;
  messages.push({ role: 'user', content: renderUserPrompt(question, input.contexts) });
  return messages;
}

/** The cost shown under an answer: "$0.0012", "$0 (local)", or "cost unknown" (never $0 for unknown). */
export function costLabel(costUsd: number | null, local: boolean): string {
  if (costUsd === null) return 'cost unknown';
  if (costUsd === 0 && local) return '$0 (local)';
  return formatUsd(costUsd);
}

/** The /cost answer: today's and this month's spend (every feature), and this conversation's. */
export function costReport(budget: BudgetState, conversation: { costs: Array<number | null>; answers: number }): string {
  const known = conversation.costs.filter((c): c is number => c !== null);
  const unknown = conversation.costs.length - known.length;
  const convTotal = known.reduce((a, b) => a + b, 0);
  const limit = (spent: number, cap: number | undefined) => (cap === undefined ? formatUsd(spent) : `${formatUsd(spent)} of ${formatUsd(cap)}`);
  const lines = [
    `**Today:** ${limit(budget.dailySpentUsd, budget.dailyLimitUsd)} · **this month:** ${limit(budget.monthlySpentUsd, budget.monthlyLimitUsd)} (all Switchyard calls in every window)`,
    `**This conversation:** ${formatUsd(convTotal)} over ${conversation.answers} answer${conversation.answers === 1 ? '' : 's'}${unknown ? ` (${unknown} with unknown cost, not counted)` : ''}`,
  ];
  if (budget.message) lines.push(`⚠ ${budget.message}`);
  lines.push('Details: *Switchyard: Show Cost Report*.');
  return lines.join('\n\n');
}
