/**
 * The fault matrix: every provider misbehaviour the fake server can produce, what Switchyard does
 * about it, and what the table-driven wire test (faultMatrix.test.ts) asserts — alone and with a
 * fallback candidate, on both wires. README's "Reliability" section shows this table (a test
 * checks that every row is there).
 */
import type { FakeStep } from '../support/fakeServer';

export type Wire = 'openai' | 'anthropic';

/** What the call must end as. */
export interface Expect {
  status: 'ok' | 'error';
  /** ModelError kind of the final error. */
  errorKind?: string | ((wire: Wire) => string);
  /** Which candidate produced the answer text. */
  answeredBy?: 'primary' | 'fallback';
  /** The fallback must not be asked (a stop, or output already delivered). */
  fallbackUntouched?: boolean;
  /** Text delivered before the failure is kept. */
  keepsText?: string;
  message?: RegExp;
  usageSource?: 'reported' | 'estimated' | 'unknown';
  /** costUsd must be null (usage cannot be believed). */
  costUnknown?: boolean;
}

export interface FaultRow {
  id: string;
  /** README: the misbehaviour. */
  misbehaviour: string;
  /** README: what Switchyard does. */
  switchyard: string;
  wires: Wire[];
  /** Steps for the primary model's first requests (then `persistent`, or a normal answer). */
  script?: FakeStep[];
  /** The step every request to the primary gets (after `script`). */
  persistent?: FakeStep;
  alone: Expect;
  withFallback: Expect;
}

const BOTH: Wire[] = ['openai', 'anthropic'];
const PAGE = '<!doctype html><html><head><title>Sign in to CoffeeShop Wi-Fi</title></head><body><form>…</form></body></html>';
const STREAM_TEXT = { type: 'text' as const, chunks: ['Partial ', 'answer ', 'here.'] };

export const FAULT_ROWS: FaultRow[] = [
  {
    id: 'rate_limit_short', misbehaviour: '429 with a short Retry-After (0 s)', wires: BOTH,
    switchyard: 'waits and retries the same model (up to router.maxRetries)',
    script: [{ type: 'rate_limit', retryAfter: '0' }],
    alone: { status: 'ok', answeredBy: 'primary' }, withFallback: { status: 'ok', answeredBy: 'primary', fallbackUntouched: true },
  },
  {
    id: 'rate_limit_long', misbehaviour: '429 with a Retry-After longer than retryAfterCapMs (60 s)', wires: BOTH,
    switchyard: 'does not wait: moves to the next candidate; alone, fails with "rate_limit"',
    persistent: { type: 'rate_limit', retryAfter: '60' },
    alone: { status: 'error', errorKind: 'rate_limit' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'server_500', misbehaviour: '500 on every request', wires: BOTH,
    switchyard: 'retries with backoff, then moves on; repeated failures open the circuit breaker',
    persistent: { type: 'server_error', status: 500 },
    alone: { status: 'error', errorKind: 'server' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'server_503', misbehaviour: '503 on every request', wires: BOTH,
    switchyard: 'as 500',
    persistent: { type: 'server_error', status: 503 },
    alone: { status: 'error', errorKind: 'server' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'overloaded_529', misbehaviour: '529 overloaded', wires: BOTH,
    switchyard: 'moves to the next candidate; alone, fails with "overloaded"',
    persistent: { type: 'overloaded' },
    alone: { status: 'error', errorKind: 'overloaded' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'auth_401', misbehaviour: '401: the key is rejected', wires: BOTH,
    switchyard: 'names the provider and how to set the key; skips that provider until its key changes; other providers still answer',
    persistent: { type: 'auth', status: 401 },
    alone: { status: 'error', errorKind: 'auth', message: /API Key/i }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'forbidden_403', misbehaviour: '403: the key may not use this model', wires: BOTH,
    switchyard: 'as 401',
    persistent: { type: 'auth', status: 403 },
    alone: { status: 'error', errorKind: 'auth' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'not_found_404', misbehaviour: '404: no such model', wires: BOTH,
    switchyard: 'moves to the next candidate; alone, says which model the server does not know',
    persistent: { type: 'not_found' },
    alone: { status: 'error', errorKind: 'not_found' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'context_length', misbehaviour: '400: the prompt exceeds the context window', wires: BOTH,
    switchyard: 'moves to a candidate with a larger context window (skips smaller ones)',
    persistent: { type: 'context_length' },
    alone: { status: 'error', errorKind: 'context_window' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'invalid_request', misbehaviour: '400: the request is invalid', wires: BOTH,
    switchyard: 'stops with the provider\'s message: another model would reject it too (no fallback)',
    persistent: { type: 'invalid_request', message: 'messages: roles must alternate' },
    alone: { status: 'error', errorKind: 'invalid_request' }, withFallback: { status: 'error', errorKind: 'invalid_request', fallbackUntouched: true },
  },
  {
    id: 'html_200', misbehaviour: '200 with an HTML page (captive portal, wrong base URL)', wires: BOTH,
    switchyard: 'names the content type and the page title and the base URL to check; moves to the next candidate',
    persistent: { type: 'raw', status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: PAGE },
    alone: { status: 'error', errorKind: 'malformed_response', message: /text\/html.*Sign in to CoffeeShop Wi-Fi/ }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'hang_before_headers', misbehaviour: 'no response at all (hangs before headers)', wires: BOTH,
    switchyard: 'time-to-first-token timeout aborts the request, then the next candidate',
    persistent: { type: 'hang' },
    alone: { status: 'error', errorKind: 'ttft_timeout' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'slow_first_token', misbehaviour: 'headers, then no token within the TTFT limit', wires: BOTH,
    switchyard: 'as above',
    persistent: { ...STREAM_TEXT, firstChunkDelayMs: 5_000 },
    alone: { status: 'error', errorKind: 'ttft_timeout' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'disconnect_before_response', misbehaviour: 'socket closed before any response byte', wires: BOTH,
    switchyard: 'network error: retried, then the next candidate',
    persistent: { type: 'disconnect' },
    alone: { status: 'error', errorKind: 'network' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'stall_mid_stream', misbehaviour: 'stream stalls after the first text', wires: BOTH,
    switchyard: 'request timeout; the text already shown is kept and the call is not restarted elsewhere (no duplicate answer); tokens counted (estimated)',
    persistent: { ...STREAM_TEXT, hangAfterChunks: 1 },
    alone: { status: 'error', errorKind: 'timeout', keepsText: 'Partial ', usageSource: 'estimated' }, withFallback: { status: 'error', keepsText: 'Partial ', fallbackUntouched: true },
  },
  {
    id: 'disconnect_mid_stream', misbehaviour: 'socket closed after the first text', wires: BOTH,
    switchyard: 'stream_interrupted; text kept, no restart; tokens counted (estimated), never $0',
    persistent: { ...STREAM_TEXT, disconnectAfterChunks: 1 },
    alone: { status: 'error', errorKind: 'stream_interrupted', keepsText: 'Partial ', usageSource: 'estimated' }, withFallback: { status: 'error', errorKind: 'stream_interrupted', keepsText: 'Partial ', fallbackUntouched: true },
  },
  {
    id: 'end_without_finish', misbehaviour: 'stream ends cleanly without a finish reason / message_stop', wires: BOTH,
    switchyard: 'stream_interrupted (not success); text kept',
    persistent: { ...STREAM_TEXT, endAfterChunks: 1 },
    alone: { status: 'error', errorKind: 'stream_interrupted', keepsText: 'Partial ' }, withFallback: { status: 'error', errorKind: 'stream_interrupted', fallbackUntouched: true },
  },
  {
    id: 'malformed_sse_first', misbehaviour: 'malformed SSE line before any text', wires: BOTH,
    switchyard: 'malformed_response; the next candidate',
    persistent: { ...STREAM_TEXT, malformedAfterChunks: 0 },
    alone: { status: 'error', errorKind: 'malformed_response' }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'malformed_sse_mid', misbehaviour: 'malformed SSE line after the first text', wires: BOTH,
    switchyard: 'an error, text kept, no restart',
    persistent: { ...STREAM_TEXT, malformedAfterChunks: 1 },
    alone: { status: 'error', keepsText: 'Partial ' }, withFallback: { status: 'error', keepsText: 'Partial ', fallbackUntouched: true },
  },
  {
    id: 'error_event_first', misbehaviour: 'the provider\'s in-stream error event before any text', wires: BOTH,
    switchyard: 'classified like the HTTP error it stands for (Anthropic overloaded_error → overloaded); the next candidate',
    persistent: { ...STREAM_TEXT, errorEventAfterChunks: 0 },
    alone: { status: 'error', errorKind: (w) => (w === 'anthropic' ? 'overloaded' : 'server') }, withFallback: { status: 'ok', answeredBy: 'fallback' },
  },
  {
    id: 'no_usage', misbehaviour: 'a successful answer with no usage at all', wires: BOTH,
    switchyard: 'tokens counted locally, recorded as "estimated" (ledger usageSource, trace, ask --json); never $0',
    persistent: { type: 'text', text: 'An answer without usage.', omitUsage: true },
    alone: { status: 'ok', answeredBy: 'primary', usageSource: 'estimated' }, withFallback: { status: 'ok', answeredBy: 'primary', usageSource: 'estimated', fallbackUntouched: true },
  },
  {
    id: 'usage_numeric_strings', misbehaviour: 'usage counts sent as strings ("1000")', wires: BOTH,
    switchyard: 'read as numbers by the usage schema (not concatenated)',
    persistent: { type: 'text', text: 'ok', usage: { inputTokens: 1000, outputTokens: 10 } },
    alone: { status: 'ok', answeredBy: 'primary', usageSource: 'reported' }, withFallback: { status: 'ok', answeredBy: 'primary', usageSource: 'reported' },
  },
  {
    id: 'usage_negative', misbehaviour: 'negative usage counts', wires: BOTH,
    switchyard: 'refused with a logged warning; the cost is unknown (null), the ledger keeps the record',
    persistent: { type: 'text', text: 'ok' },
    alone: { status: 'ok', answeredBy: 'primary', usageSource: 'unknown', costUnknown: true }, withFallback: { status: 'ok', answeredBy: 'primary', usageSource: 'unknown', costUnknown: true },
  },
  {
    id: 'usage_absurd', misbehaviour: 'absurd usage (10^15 tokens)', wires: BOTH,
    switchyard: 'as negative usage',
    persistent: { type: 'text', text: 'ok' },
    alone: { status: 'ok', answeredBy: 'primary', usageSource: 'unknown', costUnknown: true }, withFallback: { status: 'ok', answeredBy: 'primary', usageSource: 'unknown', costUnknown: true },
  },
  {
    id: 'stream_options_rejected', misbehaviour: 'a compatible server rejects stream_options (400)', wires: ['openai'],
    switchyard: 'sent again without it (remembered per model); usage counted locally, marked "estimated"',
    script: [{ type: 'invalid_request', message: 'Unrecognized request argument supplied: stream_options' }],
    persistent: { type: 'text', text: 'Fine.' },
    alone: { status: 'ok', answeredBy: 'primary', usageSource: 'estimated' }, withFallback: { status: 'ok', answeredBy: 'primary', usageSource: 'estimated', fallbackUntouched: true },
  },
];

/** Usage as each wire spells it, for the usage rows (the fake merges it into its reply). */
export function wireUsageFor(id: string, wire: Wire): Record<string, unknown> | undefined {
  const openai = wire === 'openai';
  switch (id) {
    case 'usage_numeric_strings':
      return openai ? { prompt_tokens: '1000', completion_tokens: '10' } : { input_tokens: '1000', output_tokens: '10', cache_read_input_tokens: '0', cache_creation_input_tokens: '0' };
    case 'usage_negative':
      return openai ? { prompt_tokens: -500, completion_tokens: 10 } : { input_tokens: -500 };
    case 'usage_absurd':
      return openai ? { prompt_tokens: 1e15, completion_tokens: 10 } : { input_tokens: 1e15 };
    default:
      return undefined;
  }
}
