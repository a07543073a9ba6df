/**
 * Conversation history persisted per workspace in a key-value store (VS Code's workspaceState in
 * the extension, a Map in tests). Every stored value is validated on load: an invalid entry is
 * skipped and logged, never fatal and never overwritten.
 */
import { z } from 'zod';
import type { Logger } from '../logger';
import { conversationSchema, summarize, type Conversation, type ConversationSummary } from './types';

/** The subset of vscode.Memento the store needs. */
export interface KeyValueStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

const INDEX_KEY = 'switchyard.chat.index';
const convKey = (id: string) => `switchyard.chat.conversation.${id}`;
const indexSchema = z.object({ v: z.literal(1), ids: z.array(z.string()) });

export interface HistoryOptions {
  /** Oldest conversations beyond this count are deleted. */
  maxConversations?: number;
}

export class ConversationHistory {
  private readonly maxConversations: number;

  constructor(private readonly kv: KeyValueStore, private readonly logger: Logger, options: HistoryOptions = {}) {
    this.maxConversations = options.maxConversations ?? 200;
  }

  private ids(): string[] {
    const raw = this.kv.get(INDEX_KEY);
    if (raw === undefined) return [];
    const parsed = indexSchema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn(`Chat history index is invalid and was ignored: ${parsed.error.issues[0]?.message ?? 'unknown issue'}`);
      return [];
    }
    return parsed.data.ids;
  }

  get(id: string): Conversation | undefined {
    const raw = this.kv.get(convKey(id));
    if (raw === undefined) return undefined;
    const parsed = conversationSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.logger.warn(`Chat conversation ${id} is invalid and was skipped (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}).`);
      return undefined;
    }
    return parsed.data;
  }

  /** Valid conversations, most recently updated first. */
  list(): ConversationSummary[] {
    const out: ConversationSummary[] = [];
    for (const id of this.ids()) {
      const c = this.get(id);
      if (c) out.push(summarize(c));
    }
    return out.sort((a, b) => b.updatedMs - a.updatedMs);
  }

  async save(conversation: Conversation): Promise<void> {
    const valid = conversationSchema.parse(conversation);
    await this.kv.update(convKey(valid.id), valid);
    const ids = this.ids();
    if (!ids.includes(valid.id)) {
      ids.push(valid.id);
      const overflow = ids.length - this.maxConversations;
      if (overflow > 0) {
        const byAge = ids
          .map((i) => ({ i, t: this.get(i)?.updatedMs ?? 0 }))
          .sort((a, b) => a.t - b.t)
          .slice(0, overflow)
          .map((x) => x.i);
        for (const old of byAge) await this.kv.update(convKey(old), undefined);
        await this.kv.update(INDEX_KEY, { v: 1, ids: ids.filter((i) => !byAge.includes(i)) });
        return;
      }
      await this.kv.update(INDEX_KEY, { v: 1, ids });
    }
  }

  async rename(id: string, title: string): Promise<Conversation | undefined> {
    const c = this.get(id);
    if (!c) return undefined;
    const next = { ...c, title: title.trim().slice(0, 200) || c.title };
    await this.save(next);
    return next;
  }

  async delete(id: string): Promise<void> {
    await this.kv.update(convKey(id), undefined);
    await this.kv.update(INDEX_KEY, { v: 1, ids: this.ids().filter((i) => i !== id) });
  }
}

/** A title from the first question: its first line, at most 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  if (!line) return 'New chat';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}
