/** Helpers for tests that drain a ModelAdapter stream and check its contract. */
import assert from 'node:assert/strict';
import type { ModelError } from '../../src/core/models/errors';
import type { ModelEvent, ResolvedModel, ToolCall, Usage } from '../../src/core/models/types';

export interface Drained {
  events: ModelEvent[];
  text: string;
  toolCalls: ToolCall[];
  usage?: Usage;
  finish?: string;
  error?: ModelError;
}

/**
 * Drains a stream, asserting the adapter contract: it never throws, and it ends with exactly one
 * `finish` or `error` event, which is the last event.
 */
export async function drain(stream: AsyncIterable<ModelEvent>): Promise<Drained> {
  const events: ModelEvent[] = [];
  for await (const ev of stream) events.push(ev);
  const terminal = events.filter((e) => e.type === 'finish' || e.type === 'error');
  assert.equal(terminal.length, 1, `exactly one finish/error event, got: ${JSON.stringify(events.map((e) => e.type))}`);
  assert.equal(events[events.length - 1], terminal[0], 'the finish/error event is the last one');
  const calls: ToolCall[] = [];
  for (const ev of events) {
    if (ev.type !== 'tool_call_delta') continue;
    const c = (calls[ev.index] ??= { id: '', name: '', arguments: '' });
    if (ev.id) c.id = ev.id;
    if (ev.name) c.name = ev.name;
    c.arguments += ev.argumentsDelta;
  }
  const last = events[events.length - 1];
  return {
    events,
    text: events.map((e) => (e.type === 'text' ? e.text : '')).join(''),
    toolCalls: calls,
    usage: events.find((e): e is Extract<ModelEvent, { type: 'usage' }> => e.type === 'usage')?.usage,
    finish: last.type === 'finish' ? last.reason : undefined,
    error: last.type === 'error' ? last.error : undefined,
  };
}

export function resolved(id: string, providerName: string, providerKind: ResolvedModel['providerKind'], extra: Partial<ResolvedModel> = {}): ResolvedModel {
  return { name: id, id, providerName, providerKind, nativeFim: false, ...extra };
}
