/**
 * LRU cache of postprocessed completions keyed by the text around the cursor. A lookup also finds
 * a completion made a few characters earlier whose start the user has since typed, and returns
 * the rest of it: typing through a suggestion costs no model call.
 */
import { LRUCache } from 'lru-cache';

export interface CachedCompletion {
  text: string;
  /** Characters after the cursor the text replaces (the suffix is part of the key, so it holds for typed-through hits). */
  replaceLength: number;
  multiline: boolean;
  model?: string;
  modelId?: string;
  traceId?: string;
  /** The suggestion id this text was first shown under (typing through keeps it). */
  id: string;
}

export interface CacheHit {
  entry: CachedCompletion;
  /** Characters typed since the entry was made (a prefix of entry.text). */
  typed: string;
  /** What is left to insert. */
  remaining: string;
}

export interface CompletionCacheOptions {
  max?: number;
  /** Characters of prefix and suffix that make the key. */
  prefixChars?: number;
  suffixChars?: number;
  /** How many typed characters back a lookup searches. */
  lookback?: number;
}

export class CompletionCache {
  private readonly lru: LRUCache<string, CachedCompletion>;
  private readonly prefixChars: number;
  private readonly suffixChars: number;
  private readonly lookback: number;

  constructor(options: CompletionCacheOptions = {}) {
    this.lru = new LRUCache({ max: options.max ?? 500 });
    this.prefixChars = options.prefixChars ?? 1500;
    this.suffixChars = options.suffixChars ?? 500;
    this.lookback = options.lookback ?? 128;
  }

  key(filepath: string, prefix: string, suffix: string): string {
    return `${filepath}\u0000${prefix.slice(-this.prefixChars)}\u0000${suffix.slice(0, this.suffixChars)}`;
  }

  set(filepath: string, prefix: string, suffix: string, entry: CachedCompletion): void {
    this.lru.set(this.key(filepath, prefix, suffix), entry);
  }

  /**
   * The completion for exactly this context (possibly empty), or for an earlier context whose
   * completion starts with what was typed since and still has text left.
   */
  get(filepath: string, prefix: string, suffix: string): CacheHit | undefined {
    const max = Math.min(this.lookback, prefix.length);
    for (let k = 0; k <= max; k++) {
      const typed = prefix.slice(prefix.length - k);
      const entry = this.lru.get(this.key(filepath, prefix.slice(0, prefix.length - k), suffix));
      if (!entry) continue;
      // An exact hit may be empty: the model had nothing here, so do not ask again.
      if (k === 0) return { entry, typed, remaining: entry.text };
      if (entry.text.startsWith(typed) && entry.text.length > typed.length) {
        return { entry, typed, remaining: entry.text.slice(typed.length) };
      }
      // The nearest earlier entry disagrees with what was typed: an older one would too.
      if (k > 0) return undefined;
    }
    return undefined;
  }

  get size(): number {
    return this.lru.size;
  }

  clear(): void {
    this.lru.clear();
  }
}
