/**
 * The panel's chat, built once by the composition root and handed to the panel: the ChatService
 * with its history, model limits, one context resolver per chip kind, the tool-loop turn runner and
 * the spend-cap question; and the MCP servers' prompts as slash commands.
 */
import * as vscode from 'vscode';
import { ConversationHistory } from '../../core/chat/history';
import { ChatService, type ContextResolver } from '../../core/chat/service';
import type { SlashCommandSource } from '../../core/chat/slashCommands';
import type { AskCap } from '../../core/chat/spendCap';
import type { ContextChip } from '../../core/chat/types';
import { workspaceResolver } from '../../core/chat/workspaceContext';
import type { ApproveFn } from '../../core/tools/approval';
import { createChatTurnRunner } from '../chatTurnRunner';
import type { HostServices } from '../hostServices';
import type { McpHostHandle } from '../mcp/index';
import type { WorkspaceSearch } from '../rag/register';
import { instructionsResolver } from './instructions';

export interface PanelChatInputs {
  /** The extension's tool approval (host/toolApproval.ts). */
  approve: ApproveFn;
  /** The spend-cap question (the Chat tab's buttons, else a modal). */
  askCap: AskCap;
  /** @workspace retrieval and the workspace tools' search; absent when the index area failed. */
  search?: WorkspaceSearch;
  /** MCP tools and resources; absent when the MCP area failed. */
  mcp?: McpHostHandle;
}

export function createPanelChat(services: HostServices, inputs: PanelChatInputs): ChatService {
  return new ChatService({
    history: new ConversationHistory(services.context.workspaceState, services.logger),
    core: () => services.core,
    logger: services.logger,
    resolvers: contextResolvers(services, inputs),
    runTurn: createChatTurnRunner(services, { approve: inputs.approve, mcp: inputs.mcp, search: inputs.search }),
    askCap: inputs.askCap,
  });
}

/** Per chip kind; a kind left out (its area failed to start) becomes a notice on the answer. */
function contextResolvers(services: HostServices, { search, mcp }: PanelChatInputs): Partial<Record<ContextChip['kind'], ContextResolver>> {
  return {
    file: (chip, _question, signal) => readFileChip(services, chip, signal),
    instructions: instructionsResolver,
    ...(search && { workspace: workspaceResolver((q, o) => search.search(q, o), { rewrite: (q, signal, span) => search.rewrite(q, signal, span) }) }),
    ...(mcp && { 'mcp-resource': mcp.resourceResolver }),
  };
}

/** An attached file, read from its editor buffer (unsaved edits included), capped at rag.maxFileBytes. */
async function readFileChip(services: HostServices, chip: ContextChip, signal: AbortSignal): Promise<Array<{ kind: 'file'; title: string; language?: string; content: string }>> {
  if (chip.kind !== 'file' || !chip.uri) throw new Error('The file chip has no location.');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(chip.uri, true));
  if (signal.aborted) return [];
  const max = services.core.config.rag.maxFileBytes;
  const text = doc.getText();
  const content = text.length > max ? `${text.slice(0, max)}\n… (truncated at ${max} characters)` : text;
  return [{ kind: 'file', title: chip.path, language: doc.languageId, content }];
}

/** The MCP servers' prompts as "/server.prompt" commands in the chat input. */
export function mcpSlashCommands(mcp: McpHostHandle): SlashCommandSource {
  return {
    list: () => mcp.promptCommands(),
    expand: (command, args) => {
      const spec = mcp.promptCommands().find((c) => c.command === command.command);
      if (!spec) throw new Error(`${command.command} is no longer offered by a connected MCP server.`);
      return mcp.expandPrompt(spec.server, spec.prompt, args);
    },
  };
}
