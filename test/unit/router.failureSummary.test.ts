import assert from 'node:assert/strict';
import { ModelError } from '../../src/core/models/errors';
import { attemptCause, summarizeFailure } from '../../src/core/router/failureSummary';
import type { AttemptRecord } from '../../src/core/router/types';

const attempt = (model: string, reason: string, status: AttemptRecord['status'] = 'error'): AttemptRecord => ({
  model, modelId: `${model}-id`, provider: 'local', status, errorClass: 'network', reason, latencyMs: 3,
});

describe('router failure summary: one short line per attempt', () => {
  it('keeps the first sentence of the cause and drops the router decision after the arrow', () => {
    const a = attempt('mini', 'Cannot reach http://127.0.0.1:9/v1 (ECONNREFUSED). Is the server running? → next candidate: http://127.0.0.1:9 accepts no connection; not retried');
    assert.equal(attemptCause(a), 'Cannot reach http://127.0.0.1:9/v1 (ECONNREFUSED).');
  });

  it('caps a long cause with an ellipsis', () => {
    const cause = attemptCause(attempt('mini', `The server said ${'x'.repeat(400)}`));
    assert.ok(cause.length <= 140, `${cause.length} chars`);
    assert.ok(cause.endsWith('…'));
  });

  it('lists each attempt on its own line under the task, marks skips, keeps the last fix', () => {
    const last = new ModelError({ kind: 'network', message: 'x', fix: 'Start the server or fix providers.local.baseUrl.' });
    const summary = summarizeFailure('chat', last, [
      attempt('qwen', 'Cannot reach http://127.0.0.1:9/v1 (ECONNREFUSED). Is the server running? → next candidate: …'),
      attempt('llama', 'http://127.0.0.1:9 accepted no connection earlier in this call.', 'skipped'),
    ]);
    assert.equal(summary.message, [
      'Every candidate for task "chat" failed:',
      '- qwen (local): Cannot reach http://127.0.0.1:9/v1 (ECONNREFUSED).',
      '- llama (local): skipped, http://127.0.0.1:9 accepted no connection earlier in this call.',
    ].join('\n'));
    assert.equal(summary.fix, last.fix);
  });

  it('a single attempt or an invalid request is reported as it is', () => {
    const last = new ModelError({ kind: 'invalid_request', message: 'bad temperature' });
    assert.equal(summarizeFailure('chat', last, [attempt('a', 'x'), attempt('b', 'y')]), last);
  });
});
