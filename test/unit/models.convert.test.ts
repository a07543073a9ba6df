/** Request/usage conversions of the adapters, without the wire. */
import assert from 'node:assert/strict';
import { mapAnthropicStop, normaliseAnthropicUsage, toAnthropicMessages } from '../../src/core/models/anthropic';
import { mapOpenAIFinish, normaliseErrorBody, normaliseOpenAIUsage, toOpenAIMessages } from '../../src/core/models/openai';

describe('model conversions', () => {
  it('Anthropic: system extracted, consecutive turns merged, tool results first in their user turn, empty text dropped', () => {
    const out = toAnthropicMessages([
      { role: 'system', content: 'A' },
      { role: 'user', content: 'q1' },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'f', arguments: 'not json' }] },
      { role: 'user', content: 'extra' },
      { role: 'tool', toolCallId: 't1', name: 'f', content: 'r' },
      { role: 'system', content: 'B' },
    ]);
    assert.equal(out.system, 'A\n\nB');
    assert.deepEqual(out.messages, [
      { role: 'user', content: [{ type: 'text', text: 'q1' }, { type: 'text', text: 'q2' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: { _unparsedArguments: 'not json' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r' }, { type: 'text', text: 'extra' }] },
    ]);
  });

  it('OpenAI: tool errors are said in the content (no error flag on the wire)', () => {
    assert.deepEqual(toOpenAIMessages([{ role: 'tool', toolCallId: 'c', name: 'f', content: 'boom', isError: true }]), [{ role: 'tool', tool_call_id: 'c', content: 'Error: boom' }]);
  });

  it('usage conventions: Anthropic input excludes the cache, OpenAI input includes it', () => {
    assert.deepEqual(normaliseAnthropicUsage({ input_tokens: 3, output_tokens: 4, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 }), { inputTokens: 123, outputTokens: 4, cacheReadTokens: 100, cacheWriteTokens: 20 });
    assert.deepEqual(normaliseAnthropicUsage({ input_tokens: 3, output_tokens: 4, cache_read_input_tokens: null, cache_creation_input_tokens: null }), { inputTokens: 3, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.deepEqual(normaliseOpenAIUsage({ prompt_tokens: 123, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 100 } }), { inputTokens: 123, outputTokens: 4, cacheReadTokens: 100, cacheWriteTokens: 0 });
    assert.deepEqual(normaliseOpenAIUsage({ prompt_tokens: 10, completion_tokens: 1, prompt_cache_hit_tokens: 8 }), { inputTokens: 10, outputTokens: 1, cacheReadTokens: 8, cacheWriteTokens: 0 });
  });

  it('finish reasons', () => {
    assert.equal(mapOpenAIFinish('stop', false), 'stop');
    assert.equal(mapOpenAIFinish('stop', true), 'tool_calls', 'servers that end tool calls with "stop"');
    assert.equal(mapOpenAIFinish('length', false), 'length');
    assert.equal(mapOpenAIFinish('content_filter', false), 'content_filter');
    assert.equal(mapOpenAIFinish('eos', false), 'other');
    assert.equal(mapAnthropicStop('end_turn'), 'stop');
    assert.equal(mapAnthropicStop('stop_sequence'), 'stop');
    assert.equal(mapAnthropicStop('max_tokens'), 'length');
    assert.equal(mapAnthropicStop('tool_use'), 'tool_calls');
    assert.equal(mapAnthropicStop('refusal'), 'content_filter');
    assert.equal(mapAnthropicStop('pause_turn'), 'other');
  });

  it('error bodies of compatible servers are put into the OpenAI envelope', () => {
    assert.deepEqual(normaliseErrorBody({ object: 'error', message: 'm', type: 'BadRequestError', param: null, code: 400 }), { error: { message: 'm', type: 'BadRequestError', code: 400, param: null } });
    assert.deepEqual(normaliseErrorBody({ error: 'model not found' }), { error: { message: 'model not found', type: undefined, code: null } });
    assert.deepEqual(normaliseErrorBody({ detail: 'Not authenticated' }), { error: { message: 'Not authenticated', type: undefined, code: null, param: null } });
    const ok = { error: { message: 'x', type: 'y' } };
    assert.equal(normaliseErrorBody(ok), ok);
    assert.deepEqual(normaliseErrorBody({ unrelated: 1 }), { unrelated: 1 });
  });
});
