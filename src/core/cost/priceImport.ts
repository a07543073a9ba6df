/**
 * Prices from a file: LiteLLM's model-prices JSON (model_prices_and_context_window.json: USD per
 * token, per model key) or Switchyard's own override shape (USD per 1M tokens, per model id).
 * `switchyard.cost.pricesFile` may name such a file; `switchyard models --catalog --import FILE` shows it.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { formatConfigIssues, priceSchema, type Price } from '../config/schema';
import { CatalogError } from './catalog';

const perToken = z.number().finite().nonnegative();
/** One LiteLLM entry: only the fields Switchyard uses; the rest passes through unread. */
const liteLlmEntry = z.object({
  input_cost_per_token: perToken.optional(),
  output_cost_per_token: perToken.optional(),
  cache_read_input_token_cost: perToken.optional(),
  cache_creation_input_token_cost: perToken.optional(),
  max_input_tokens: z.number().optional(),
  max_output_tokens: z.number().optional(),
  mode: z.string().optional(),
}).passthrough();

export interface ImportedPrices {
  /** Model id → price (USD per 1M tokens). */
  prices: Record<string, Price>;
  /** Keys without a usable input and output price (LiteLLM's "sample_spec", image models, …). */
  skipped: string[];
  format: 'litellm' | 'switchyard';
}

/** USD per token → USD per 1M tokens, without float noise such as 2.9999999999999996. */
const perMillion = (usdPerToken: number) => Number((usdPerToken * 1e6).toPrecision(12));

function isLiteLlmShape(data: unknown): boolean {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  return Object.values(data).some((v) => v && typeof v === 'object' && ('input_cost_per_token' in v || 'litellm_provider' in v));
}

/** Converts LiteLLM's shape; entries that are not valid or have no token prices are skipped, not fatal. */
function pricesFromLiteLlm(data: Record<string, unknown>): ImportedPrices {
  const prices: Record<string, Price> = {};
  const skipped: string[] = [];
  for (const [id, raw] of Object.entries(data)) {
    const e = liteLlmEntry.safeParse(raw);
    if (id === 'sample_spec' || !e.success || e.data.input_cost_per_token === undefined || e.data.output_cost_per_token === undefined) {
      skipped.push(id);
      continue;
    }
    prices[id] = {
      inputPerMTok: perMillion(e.data.input_cost_per_token),
      outputPerMTok: perMillion(e.data.output_cost_per_token),
      ...(e.data.cache_read_input_token_cost !== undefined ? { cacheReadPerMTok: perMillion(e.data.cache_read_input_token_cost) } : {}),
      ...(e.data.cache_creation_input_token_cost !== undefined ? { cacheWritePerMTok: perMillion(e.data.cache_creation_input_token_cost) } : {}),
    };
  }
  return { prices, skipped, format: 'litellm' };
}

/** "~/x.json" and relative paths (against `base`, default the working directory) → absolute. */
function resolvePricePath(path: string, base = process.cwd()): string {
  const expanded = path === '~' || path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
  return isAbsolute(expanded) ? expanded : resolve(base, expanded);
}

/** Reads a price file; throws CatalogError naming the file, what is wrong and the fix. */
export function loadPriceFile(path: string, base?: string): ImportedPrices {
  const file = resolvePricePath(path, base);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (err as Error).message;
    throw new CatalogError(`Cannot read the price file ${file} (switchyard.cost.pricesFile): ${why}. Point switchyard.cost.pricesFile at a JSON file in LiteLLM's model-prices shape or {"model-id": {"inputPerMTok": …, "outputPerMTok": …}}.`);
  }
  if (isLiteLlmShape(data)) return pricesFromLiteLlm(data as Record<string, unknown>);
  const own = z.record(z.string(), priceSchema).safeParse(data);
  if (!own.success) {
    throw new CatalogError(`The price file ${file} is neither LiteLLM's model-prices JSON nor {"model-id": {"inputPerMTok", "outputPerMTok"}}:\n${formatConfigIssues(own.error)}`);
  }
  return { prices: own.data, skipped: [], format: 'switchyard' };
}
