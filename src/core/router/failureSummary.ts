/** The error a caller sees when every candidate of a call failed: one short line per attempt. */
import { ModelError } from '../models/errors';
import type { AttemptRecord } from './types';

const MAX_LINE_CAUSE = 140;

/**
 * The cause of one attempt in a line: the first sentence of the error message (the router appends
 * its decision after " → "; traces and the ledger keep the full text), capped in length.
 */
export function attemptCause(attempt: AttemptRecord): string {
  const full = (attempt.reason ?? `${attempt.errorClass ?? 'error'}`).split(' → ')[0].replace(/\s+/g, ' ').trim();
  const sentence = /^.*?[.!?](?=\s|$)/.exec(full)?.[0] ?? full;
  return sentence.length > MAX_LINE_CAUSE ? `${sentence.slice(0, MAX_LINE_CAUSE - 1)}…` : sentence;
}

export function summarizeFailure(task: string, last: ModelError, attempts: AttemptRecord[]): ModelError {
  if (attempts.length <= 1 || last.kind === 'invalid_request') return last;
  const lines = attempts.map((a) => `- ${a.model} (${a.provider}): ${a.status === 'skipped' ? 'skipped, ' : ''}${attemptCause(a)}`);
  return new ModelError({
    kind: last.kind,
    status: last.status,
    provider: last.provider,
    model: last.model,
    fix: last.fix,
    unreachableHost: last.unreachableHost,
    message: `Every candidate for task "${task}" failed:\n${lines.join('\n')}`,
    cause: last,
  });
}
