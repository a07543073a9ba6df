/**
 * Putting a streamed answer back together: tool calls from their deltas, and token usage and cost
 * summed over attempts (router) or model calls (a chat turn). One implementation for every caller.
 */
import type { ModelEvent, ToolCall, Usage } from '../models/types';
import { emptyUsage } from '../models/types';

type ToolCallDelta = Extract<ModelEvent, { type: 'tool_call_delta' }>;

/** Tool calls assembled from `tool_call_delta` events, in the order of their stream index. */
export class ToolCallAssembly {
  private readonly byIndex = new Map<number, ToolCall>();

  add(delta: ToolCallDelta): void {
    const call = this.byIndex.get(delta.index) ?? { id: '', name: '', arguments: '' };
    if (delta.id) call.id = delta.id;
    if (delta.name) call.name += delta.name;
    call.arguments += delta.argumentsDelta;
    this.byIndex.set(delta.index, call);
  }

  get size(): number {
    return this.byIndex.size;
  }

  calls(): ToolCall[] {
    return [...this.byIndex.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  }
}

/** Adds `add` into `into` (in place). */
export function addUsage(into: Usage, add: Usage): void {
  into.inputTokens += add.inputTokens;
  into.outputTokens += add.outputTokens;
  into.cacheReadTokens += add.cacheReadTokens;
  into.cacheWriteTokens += add.cacheWriteTokens;
}

/** The sum of several usages, as a new object. */
export function sumUsage(usages: Iterable<Usage>): Usage {
  const total = emptyUsage();
  for (const usage of usages) addUsage(total, usage);
  return total;
}

/** The sum of several costs in USD: unknown (null) when any of them is unknown, never $0. */
export function sumCosts(costs: Iterable<number | null>): number | null {
  let total = 0;
  for (const cost of costs) {
    if (cost === null) return null;
    total += cost;
  }
  return total;
}

/** The sum of the provider-reported costs; undefined when none reported one. */
export function sumReportedCosts(costs: Iterable<number | undefined>): number | undefined {
  let total: number | undefined;
  for (const cost of costs) if (cost !== undefined) total = (total ?? 0) + cost;
  return total;
}
