/**
 * What every message handler receives: the panel's parts (chat, pages, questions, feeds, editor
 * target) and the page that sent the message; and the table type that gives each kind of the
 * webview protocol exactly one handler.
 */
import type { ChatService } from '../../../core/chat/service';
import type { SlashCommandSource } from '../../../core/chat/slashCommands';
import type { ContextChip } from '../../../core/chat/types';
import type { WebviewMessage } from '../../../protocol/messages';
import type { HostServices } from '../../hostServices';
import type { Connection, PanelConnections } from '../connections';
import type { PanelQuestions } from '../questions';
import type { EditorTarget } from './editor';
import type { UsageFeed } from './usage';

/** Lets the user pick an MCP resource; undefined = cancelled. */
export type McpResourcePicker = () => Promise<ContextChip | undefined>;

/** What other areas lend the panel; a part left out (its area failed to start) is said so in the panel. */
export interface PanelSources {
  /** MCP prompts as slash commands in the chat input. */
  slashCommands?: SlashCommandSource;
  /** Picker for MCP resources (chat/pickContext 'mcp-resource'). */
  pickMcpResource?: McpResourcePicker;
  /** Chips offered each time the chat page loads (the workspace's instruction files). */
  standingChips?: () => Promise<ContextChip[]>;
  /** The user's choice to send the workspace's instruction files (kept per workspace). */
  includeInstructions?: (on: boolean) => Promise<void>;
}

export interface PanelContext {
  readonly services: HostServices;
  readonly chat: ChatService;
  readonly connections: PanelConnections;
  readonly questions: PanelQuestions;
  readonly sources: PanelSources;
  readonly usage: UsageFeed;
  readonly editor: EditorTarget;
}

export type MessageKind = WebviewMessage['type'];
export type MessageOf<K extends MessageKind> = Extract<WebviewMessage, { type: K }>;

/** Handles one validated message from the page `conn`; a thrown error becomes a toast there. */
export type Handler<K extends MessageKind> = (panel: PanelContext, conn: Connection, msg: MessageOf<K>) => Promise<void> | void;

/** One handler per message kind (the compiler rejects a missing kind). */
export type HandlerTable = { [K in MessageKind]: Handler<K> };

/** An area's handlers: a slice of the table. */
export type AreaHandlers = Partial<HandlerTable>;
