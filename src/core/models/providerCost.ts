/**
 * What a gateway says a call cost, when it says so: OpenRouter's `usage.cost` (USD credits), the
 * `usage.total_cost` some proxies add, and LiteLLM proxy's `x-litellm-response-cost` header. The
 * router records it beside Switchyard's own figure; budgets take the higher of the two.
 */
import { z } from 'zod';

/** Response headers that carry the call's cost in USD. */
const PROVIDER_COST_HEADERS = ['x-litellm-response-cost'] as const;

const costNumber = z.coerce.number().finite().nonnegative();
const usageCost = z.object({ cost: costNumber.optional(), total_cost: costNumber.optional() }).passthrough();

/** The provider-reported cost in USD, or undefined when neither the usage body nor a header has one. */
export function providerCostFrom(headers: Pick<Headers, 'get'> | undefined, usage: unknown): number | undefined {
  if (usage && typeof usage === 'object') {
    const parsed = usageCost.safeParse(usage);
    if (parsed.success) {
      const cost = parsed.data.cost ?? parsed.data.total_cost;
      if (cost !== undefined) return cost;
    }
  }
  for (const name of PROVIDER_COST_HEADERS) {
    const raw = headers?.get(name);
    if (raw === null || raw === undefined || raw.trim() === '') continue;
    const parsed = costNumber.safeParse(raw.trim());
    if (parsed.success) return parsed.data;
  }
  return undefined;
}
