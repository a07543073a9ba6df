/**
 * The price catalog: a versioned, zod-validated table of models (prices per 1M tokens, context
 * window, FIM support) with id normalisation and user overrides.
 */
import { z } from 'zod';
import { formatConfigIssues, priceSchema, type Price } from '../config/schema';
import { catalogEntrySchema, type CatalogEntry } from './types';
import defaultCatalogData from './prices.json';

const catalogFileSchema = z.object({
  /** Date the prices were checked, e.g. "2026-11-01". */
  version: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date like "2026-11-01"'),
  source: z.string().min(1),
  /** Provider model id → entry. */
  models: z.record(z.string().min(1), catalogEntrySchema),
  /** Extra ids that resolve to a catalog id (e.g. "claude-opus-4-0" → "claude-opus-4"). */
  aliases: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** Caveats per model id (unverified price, long-context tiers not modelled, …). */
  notes: z.record(z.string().min(1), z.string()).optional(),
}).superRefine((file, ctx) => {
  for (const id of Object.keys(file.notes ?? {})) {
    if (!file.models[id]) ctx.addIssue({ code: 'custom', path: ['notes', id], message: `note for "${id}", which is not in models` });
  }
  for (const [alias, target] of Object.entries(file.aliases ?? {})) {
    if (!file.models[target]) ctx.addIssue({ code: 'custom', path: ['aliases', alias], message: `points to "${target}", which is not in models` });
  }
});

export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogError';
  }
}

const DATE_SUFFIXES = [
  /-\d{4}-\d{2}-\d{2}$/, // gpt-4.1-mini-2025-04-14
  /-\d{8}$/, // claude-sonnet-4-5-20250929
  /-\d{4}$/, // gpt-4-0613, mistral-large-2411, codestral-2508
  /@\d{8}$/, // Vertex-style claude-sonnet-4-5@20250929
];

const LOCAL_VARIANT = /^[-_.](\d+(\.\d+)?[bm]\b|\d+x\d+b\b|instruct|base|lite|it\b|chat|code\b|v\d|q\d|gguf|fp16)/;

/**
 * Candidate catalog ids for a model id, most specific first: exact; lower-case; the last segment
 * of "provider/model" (OpenRouter, Hugging Face); Bedrock "vendor.model-v1:0"; without an Ollama
 * ":tag" (or OpenRouter ":free"/":thinking"); without a dated
 * snapshot suffix (then with "-latest"); "4.5" → "4-5" (OpenRouter's Claude ids).
 */
export function lookupCandidates(modelId: string): string[] {
  const out: string[] = [];
  const push = (id: string) => {
    if (id && !out.includes(id)) out.push(id);
  };
  const trimmed = modelId.trim();
  push(trimmed);
  const lower = trimmed.toLowerCase();
  push(lower);
  const bases = [lower];
  const lastSegment = lower.split('/').pop() ?? lower;
  if (lastSegment !== lower) bases.push(lastSegment);
  // Bedrock-style "us.anthropic.claude-sonnet-4-5-20250929-v1:0" → "claude-sonnet-4-5-20250929".
  const bedrock = /^(?:[a-z]{2,4}\.)?(?:anthropic|meta|mistral|amazon|cohere|ai21|deepseek|openai)\.(.+?)(?:-v\d+(?::\d+)?)?$/.exec(lastSegment);
  if (bedrock) bases.push(bedrock[1]);
  for (const base of [...bases]) {
    const colon = base.indexOf(':');
    if (colon > 0) {
      push(base);
      bases.push(base.slice(0, colon));
    }
  }
  for (const base of bases) push(base);
  for (const base of bases) {
    for (const re of DATE_SUFFIXES) {
      if (re.test(base)) {
        const undated = base.replace(re, '');
        // "-latest" first: "codestral-2508" is Mistral's codestral-latest, not the local "codestral".
        push(`${undated}-latest`);
        push(undated);
      }
    }
    if (base.endsWith('-latest')) push(base.slice(0, -'-latest'.length));
    const dashed = base.replace(/(\d)\.(\d)/g, '$1-$2');
    if (dashed !== base) {
      push(dashed);
      for (const re of DATE_SUFFIXES) if (re.test(dashed)) push(dashed.replace(re, ''));
    }
  }
  return out;
}

export class PriceCatalog {
  readonly version: string;
  readonly source: string;
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly ids = new Map<string, string>();
  private readonly localFamilies: string[];
  private readonly overrides = new Map<string, Price>();
  private readonly notes: Record<string, string>;
  /** Model id → resolved catalog key (null: unknown); ids repeat, normalisation need not. */
  private readonly resolved = new Map<string, string | null>();

  /**
   * @param data catalog JSON (defaults to the bundled prices.json); throws CatalogError naming the bad field.
   * @param overrides settings `prices`, keyed by model id; they win over catalog prices.
   */
  constructor(data: unknown = defaultCatalogData, overrides?: Record<string, Price>) {
    const parsed = catalogFileSchema.safeParse(data);
    if (!parsed.success) {
      throw new CatalogError(`Invalid price catalog:\n${formatConfigIssues(parsed.error)}`);
    }
    this.version = parsed.data.version;
    this.source = parsed.data.source;
    this.notes = parsed.data.notes ?? {};
    for (const [id, entry] of Object.entries(parsed.data.models)) {
      this.entries.set(id.toLowerCase(), entry);
      this.ids.set(id.toLowerCase(), id);
    }
    for (const [alias, target] of Object.entries(parsed.data.aliases ?? {})) {
      const key = alias.toLowerCase();
      if (!this.entries.has(key)) {
        this.entries.set(key, parsed.data.models[target]);
        this.ids.set(key, target);
      }
    }
    // Longest first so "deepseek-coder-v2" wins over "deepseek-coder".
    this.localFamilies = [...this.entries.entries()]
      .filter(([, e]) => e.provider === 'local')
      .map(([id]) => id)
      .sort((a, b) => b.length - a.length);
    for (const [id, price] of Object.entries(overrides ?? {})) {
      const p = priceSchema.safeParse(price);
      if (!p.success) {
        throw new CatalogError(`Invalid price override for "${id}" (setting switchyard.prices):\n${formatConfigIssues(p.error, priceSchema)}`);
      }
      this.overrides.set(id.toLowerCase(), p.data);
    }
  }

  /** Every catalog id (not aliases) with its entry. */
  list(): Array<[string, CatalogEntry]> {
    const seen = new Set<string>();
    const out: Array<[string, CatalogEntry]> = [];
    for (const [key, entry] of this.entries) {
      const id = this.ids.get(key) ?? key;
      if (!seen.has(id)) {
        seen.add(id);
        out.push([id, entry]);
      }
    }
    return out;
  }

  /** Where a catalog id's prices come from and their date: the entry's own, else the file's. */
  provenance(id: string): { source: string; asOf: string } {
    const entry = this.entries.get(id.toLowerCase());
    return { source: entry?.source ?? this.source, asOf: entry?.asOf ?? this.version };
  }

  /** The catalog id a model id resolves to, or undefined. */
  resolveId(modelId: string): string | undefined {
    const key = this.resolveKey(modelId);
    return key === undefined ? undefined : this.ids.get(key);
  }

  /** The catalog's caveat for a model (e.g. "Unverified: …"), if any. */
  noteFor(modelId: string): string | undefined {
    const id = this.resolveId(modelId);
    return id === undefined ? undefined : this.notes[id];
  }

  lookup(modelId: string): CatalogEntry | undefined {
    const key = this.resolveKey(modelId);
    return key === undefined ? undefined : this.entries.get(key);
  }

  /**
   * Price for a model id: the per-model `price` setting, else settings `prices[modelId]`, else the
   * catalog. undefined = unknown (cost shown as unknown, never $0).
   */
  priceFor(modelId: string, modelOverride?: Price): Price | undefined {
    if (modelOverride) return modelOverride;
    // The most specific match wins: an override for "gpt-4o" prices "gpt-4o-2024-08-06", but not the
    // catalog's own "gpt-4o-2024-05-13" snapshot, which has a different price.
    let entry: CatalogEntry | undefined;
    if (this.overrides.size > 0) {
      for (const candidate of lookupCandidates(modelId)) {
        const o = this.overrides.get(candidate);
        if (o) return o;
        entry = this.entries.get(candidate);
        if (entry) break;
      }
    }
    entry ??= this.lookup(modelId);
    if (!entry) return undefined;
    const price: Price = { inputPerMTok: entry.inputPerMTok, outputPerMTok: entry.outputPerMTok };
    if (entry.cacheReadPerMTok !== undefined) price.cacheReadPerMTok = entry.cacheReadPerMTok;
    if (entry.cacheWritePerMTok !== undefined) price.cacheWritePerMTok = entry.cacheWritePerMTok;
    return price;
  }

  /** The user's own price for a model id (the model's `price`, else settings `prices`), ignoring the catalog. */
  explicitPriceFor(modelId: string, modelOverride?: Price): Price | undefined {
    if (modelOverride) return modelOverride;
    if (this.overrides.size === 0) return undefined;
    for (const candidate of lookupCandidates(modelId)) {
      const o = this.overrides.get(candidate);
      if (o) return o;
    }
    return undefined;
  }

  private resolveKey(modelId: string): string | undefined {
    const hit = this.resolved.get(modelId);
    if (hit !== undefined) return hit ?? undefined;
    const key = this.resolveUncached(modelId);
    if (this.resolved.size >= 1000) this.resolved.clear();
    this.resolved.set(modelId, key ?? null);
    return key;
  }

  private resolveUncached(modelId: string): string | undefined {
    const candidates = lookupCandidates(modelId);
    for (const c of candidates) if (this.entries.has(c)) return c;
    // Local model families by prefix when a size or variant follows: "qwen2.5-coder-7b-instruct" →
    // "qwen2.5-coder". Only size/variant suffixes, so "mistral-large-2" never prices as local "mistral".
    for (const c of candidates) {
      for (const family of this.localFamilies) {
        if (c.startsWith(family) && LOCAL_VARIANT.test(c.slice(family.length))) return family;
      }
    }
    return undefined;
  }
}
