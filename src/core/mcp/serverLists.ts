/**
 * A server's tools, resources, resource templates and prompts: fetched page by page, and kept
 * current through list_changed notifications coalesced into a bounded number of re-lists.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  type Prompt,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { DisposableStore } from '../util/disposables';
import { lenientToolsPageSchema, screenTools } from './toolList';
import type { SchemaChecker } from './validate';

export type ListKind = 'tools' | 'resources' | 'prompts';
export const LIST_KINDS: readonly ListKind[] = ['tools', 'resources', 'prompts'];

export interface ServerLists {
  tools: Tool[];
  /** Tools the server listed but that cannot be used (invalid definition), each with why. */
  skippedTools: string[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
}

export const emptyLists = (): Omit<ServerLists, 'skippedTools'> => ({ tools: [], resources: [], resourceTemplates: [], prompts: [] });

/** Every page of a paginated MCP list (at most 100 pages: a server looping its cursor cannot hang us). */
async function listAll<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await fetchPage(cursor);
    out.push(...r.items);
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return out;
}

/** Fetches one kind of list; a kind the server does not offer is empty. */
export async function fetchList(client: Client, what: ListKind, timeout: number, schemaChecker: SchemaChecker): Promise<Partial<ServerLists>> {
  const caps = client.getServerCapabilities() ?? {};
  if (what === 'tools') {
    // Listed leniently and screened one tool at a time: one broken tool must not cost the others.
    const raw = caps.tools
      ? await listAll((cursor) => client.request({ method: 'tools/list', params: cursor ? { cursor } : {} }, lenientToolsPageSchema, { timeout }).then((r) => ({ items: r.tools, nextCursor: r.nextCursor })))
      : [];
    const { tools, skipped } = screenTools(raw, schemaChecker);
    return { tools, skippedTools: skipped };
  }
  if (what === 'resources') {
    if (!caps.resources) return { resources: [], resourceTemplates: [] };
    const [resources, resourceTemplates] = await Promise.all([
      listAll((cursor) => client.listResources({ cursor }, { timeout }).then((r) => ({ items: r.resources, nextCursor: r.nextCursor }))),
      listAll((cursor) => client.listResourceTemplates({ cursor }, { timeout }).then((r) => ({ items: r.resourceTemplates, nextCursor: r.nextCursor }))).catch(() => []),
    ]);
    return { resources, resourceTemplates };
  }
  return { prompts: caps.prompts ? await listAll((cursor) => client.listPrompts({ cursor }, { timeout }).then((r) => ({ items: r.prompts, nextCursor: r.nextCursor }))) : [] };
}

/**
 * `run` behind a debounce: calls within the window, or arriving while a run is under way, cause
 * one more run at most — a flood of thousands of notifications costs a handful of re-lists.
 * Pending timers end with `store`.
 */
export function coalesce(run: () => Promise<void>, debounceMs: number, store: DisposableStore): () => void {
  let scheduled = false;
  let running = false;
  let again = false;
  const fire = async () => {
    scheduled = false;
    if (store.isDisposed) return;
    running = true;
    try {
      await run();
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (running) again = true;
    else if (!scheduled && !store.isDisposed) {
      scheduled = true;
      store.timeout(() => void fire(), debounceMs);
    }
  };
  return schedule;
}

/** Routes the three list_changed notifications to their (coalesced) re-list. */
export function onListChanged(client: Client, relist: Record<ListKind, () => void>): void {
  client.setNotificationHandler(ToolListChangedNotificationSchema, relist.tools);
  client.setNotificationHandler(ResourceListChangedNotificationSchema, relist.resources);
  client.setNotificationHandler(PromptListChangedNotificationSchema, relist.prompts);
}
