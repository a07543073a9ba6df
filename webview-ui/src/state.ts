/** The webview's state: what it shows, persisted with vscode.setState so a hidden panel comes back as it was. */
import * as z from 'zod/mini';
import { contextChipSchema, conversationSchema, conversationSummarySchema, type ContextChip, type Conversation, type ConversationSummary } from '../../src/core/chat/types';
import { modelOptionSchema, tabSchema, type ModelOption, type Tab, type WebviewMessage } from '../../src/protocol/messages';

export const persistedStateSchema = z.object({
  v: z.literal(1),
  tab: tabSchema,
  draft: z.string(),
  chips: z.array(contextChipSchema),
  conversation: z.nullable(conversationSchema),
  conversations: z.array(conversationSummarySchema),
  models: z.array(modelOptionSchema),
  routeModel: z.optional(z.string()),
  running: z.boolean(),
  usageRange: z.int().check(z.positive()),
  traceFilter: z.object({ search: z.string(), feature: z.string(), status: z.string(), model: z.string() }),
  selectedTrace: z.optional(z.string()),
});

export interface AppState {
  v: 1;
  tab: Tab;
  draft: string;
  chips: ContextChip[];
  conversation: Conversation | null;
  conversations: ConversationSummary[];
  models: ModelOption[];
  routeModel?: string;
  running: boolean;
  usageRange: number;
  traceFilter: { search: string; feature: string; status: string; model: string };
  selectedTrace?: string;
}

export const initialState = (): AppState => ({
  v: 1,
  tab: 'chat',
  draft: '',
  chips: [],
  conversation: null,
  conversations: [],
  models: [],
  running: false,
  usageRange: 30,
  traceFilter: { search: '', feature: '', status: '', model: '' },
});

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** What every view gets: the state, a way to post typed messages and to persist. */
export interface AppContext {
  state: AppState;
  post(message: WebviewMessage): void;
  save(): void;
  switchTab(tab: Tab): void;
}
