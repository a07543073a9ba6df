/** What the router does after a failed attempt: retry the same model, move on, or stop. */
import type { RouterSettings } from '../config/schema';
import type { ModelError } from '../models/errors';

export type Decision =
  | { action: 'retry'; delayMs: number; reason: string }
  | { action: 'next'; reason: string; providerFailed?: boolean; contextExceeded?: boolean; hostUnreachable?: string }
  | { action: 'stop'; reason: string };

/** Exponential backoff with full jitter, bounded by backoffMaxMs. */
export function backoffDelay(retry: number, settings: RouterSettings, random: () => number): number {
  const ceiling = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** retry);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * `retriesSoFar` counts retries already made on this model. `deliveredOutput` is true when the
 * stream already gave the caller text or tool calls: such a stream is never restarted elsewhere.
 */
export function decide(
  error: ModelError,
  retriesSoFar: number,
  deliveredOutput: boolean,
  settings: RouterSettings,
  random: () => number,
): Decision {
  if (error.kind === 'aborted') return { action: 'stop', reason: 'cancelled by the caller' };
  if (deliveredOutput) {
    return { action: 'stop', reason: `the stream broke after output was delivered (${error.kind}); not restarted on another model` };
  }
  const canRetry = retriesSoFar < settings.maxRetries;
  switch (error.kind) {
    case 'rate_limit': {
      const wait = error.retryAfterMs;
      if (wait !== undefined && wait > settings.retryAfterCapMs) {
        return { action: 'next', reason: `rate limited; Retry-After ${Math.ceil(wait / 1000)} s is longer than the ${Math.ceil(settings.retryAfterCapMs / 1000)} s cap` };
      }
      if (!canRetry) return { action: 'next', reason: `still rate limited after ${retriesSoFar} retries` };
      const delayMs = Math.max(wait ?? 0, backoffDelay(retriesSoFar, settings, random));
      return { action: 'retry', delayMs, reason: `rate limited; retrying in ${delayMs} ms` };
    }
    case 'server':
    case 'network':
      // Refused / unknown host: nothing reached the server, and it will not be up in a few hundred ms.
      if (error.unreachableHost) return { action: 'next', reason: `${error.unreachableHost} accepts no connection; not retried`, hostUnreachable: error.unreachableHost };
      if (!canRetry) return { action: 'next', reason: `repeated ${error.kind === 'server' ? `server errors (${error.status ?? '5xx'})` : 'network errors'} after ${retriesSoFar} retries` };
      {
        const delayMs = backoffDelay(retriesSoFar, settings, random);
        return { action: 'retry', delayMs, reason: `${error.kind === 'server' ? `server error ${error.status ?? ''}`.trim() : 'network error'}; retrying in ${delayMs} ms` };
      }
    case 'overloaded':
      return { action: 'next', reason: 'the provider is overloaded' };
    case 'timeout':
      return { action: 'next', reason: 'timed out' };
    case 'ttft_timeout':
      return { action: 'next', reason: 'no first token within the time-to-first-token timeout' };
    case 'context_window':
      return { action: 'next', reason: 'the prompt exceeds the context window; trying a larger-context candidate', contextExceeded: true };
    case 'auth':
      return { action: 'next', reason: 'the API key was rejected; skipping this provider until its key changes', providerFailed: true };
    case 'config':
      return { action: 'next', reason: 'the provider is not usable as configured', providerFailed: true };
    case 'not_found':
    case 'malformed_response':
    case 'stream_interrupted':
    case 'unknown':
      return { action: 'next', reason: error.kind.replace('_', ' ') };
    case 'invalid_request':
    default:
      return { action: 'stop', reason: 'the request was rejected as invalid; other models would reject it too' };
  }
}

/** Failures that say something about the model's health (and so feed its circuit breaker). */
export function isHealthFailure(error: ModelError): boolean {
  return ['rate_limit', 'server', 'network', 'overloaded', 'timeout', 'ttft_timeout', 'malformed_response', 'stream_interrupted', 'unknown'].includes(error.kind);
}
