/**
 * The chat turn with tools, shared by Switchyard's panel and @switchyard in VS Code's Chat: the
 * MCP servers' tools, plus Switchyard's read-only workspace tools for models that can call tools
 * (inside the workspace they run without asking; outside it, and every MCP tool, the user approves).
 */
import * as vscode from 'vscode';
import { toolLoopTurnRunner } from '../core/chat/toolLoop';
import type { TurnRunner } from '../core/chat/turn';
import { canCallTools } from '../core/config/schema';
import { hubToolSource } from '../core/mcp/toolSource';
import type { ApproveFn } from '../core/tools/approval';
import { combineToolSources, type ToolSource } from '../core/tools/toolSource';
import { workspaceApproval, workspaceToolSource } from '../core/tools/workspaceTools';
import type { HostServices } from './hostServices';
import type { McpHostHandle } from './mcp/index';
import type { WorkspaceSearch } from './rag/register';

export interface ChatTurnRunnerDeps {
  /** The extension's tool approval (host/toolApproval.ts): asked for every MCP tool call and for workspace tools outside the workspace. */
  approve: ApproveFn;
  mcp?: McpHostHandle;
  search?: WorkspaceSearch;
  /** Ledger feature of the turn's calls (default: the task). */
  feature?: string;
}

const NO_TOOLS: ToolSource = { definitions: () => [], resolve: () => undefined, call: () => Promise.reject(new Error('no tools')) };

export function createChatTurnRunner(services: HostServices, deps: ChatTurnRunnerDeps): TurnRunner {
  const root = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const approve = workspaceApproval(root, deps.approve);
  return (turn) => {
    const { config, router } = services.core;
    // The model that will most likely answer: the first candidate the router would not skip now
    // (unlike the status bar, a head cooling down after failures does not decide the tools).
    const { candidates } = router.resolve('chat', turn.model);
    const head = (candidates.find((c) => !c.skipped) ?? candidates[0])?.name;
    const dir = root();
    const workspace = dir && head && canCallTools(config, head)
      ? workspaceToolSource({ root: dir, search: deps.search && ((q, o) => deps.search!.search(q, o)), exclude: config.rag.exclude })
      : undefined;
    const mcp = deps.mcp ? hubToolSource(deps.mcp.hub) : undefined;
    const tools = workspace && mcp ? combineToolSources(workspace, mcp) : (workspace ?? mcp ?? NO_TOOLS);
    return toolLoopTurnRunner({
      router: () => services.core.router,
      tools: () => tools,
      approve,
      maxRounds: () => services.core.config.mcp.maxToolRounds,
      tracer: () => services.core.tracer,
      logger: services.logger,
      feature: deps.feature,
    })(turn);
  };
}
