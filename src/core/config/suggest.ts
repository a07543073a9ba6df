/**
 * "Did you mean …" for unknown config keys: the keys a schema accepts at a path, and the closest
 * one to a typo (case-insensitive Levenshtein distance via fastest-levenshtein).
 */
import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Removes wrappers (optional, default, pipe, …) around a schema. */
function unwrap(schema: z.ZodType): z.ZodType {
  for (let s = schema, i = 0; i < 20; i++) {
    const d = defOf(s);
    const inner = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
    if (!inner) return s;
    s = inner;
  }
  return schema;
}

/** The keys the object schema at `path` accepts, or undefined when there is no object there. */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s = unwrap(schema);
  for (const seg of path) {
    const d = defOf(s);
    if (d.type === 'object' && d.shape && typeof seg === 'string' && d.shape[seg]) s = unwrap(d.shape[seg]);
    else if (d.type === 'record' && d.valueType) s = unwrap(d.valueType);
    else if (d.type === 'array' && d.element) s = unwrap(d.element);
    else return undefined;
  }
  const d = defOf(s);
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : undefined;
}

/** The known key closest to `key`, when it is close enough to be a typo of it. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = distance(lower, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  // A shortened name ("daily" for "dailyUsd") is a typo too.
  const prefixed = lower.length >= 4 ? known.filter((k) => k.toLowerCase().startsWith(lower)) : [];
  if (prefixed.length === 1 && bestDistance > 2) return prefixed[0];
  // Case-only differences are always typos; otherwise allow about one edit per three characters.
  return bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
