/** Plugs the other areas into the panel: @workspace retrieval, the MCP tool loop, resources, prompts and approvals. */
import { workspaceResolver } from '../../core/chat/workspaceContext';
import { createChatTurnRunner } from '../chatTurnRunner';
import type { HostServices } from '../hostServices';
import type { McpHostHandle } from '../mcp/index';
import type { WorkspaceSearch } from '../rag/register';
import { connectInstructions } from './instructions';
import type { PanelApi } from './panelHost';

export function connectPanel(services: HostServices, panel: PanelApi, parts: { workspaceSearch?: WorkspaceSearch; mcp?: McpHostHandle }): void {
  panel.setTurnRunner(createChatTurnRunner(services, { mcp: parts.mcp, search: parts.workspaceSearch }));
  connectInstructions(services, panel);
  if (parts.workspaceSearch) {
    const ws = parts.workspaceSearch;
    panel.setContextResolver('workspace', workspaceResolver((q, o) => ws.search(q, o), { rewrite: (q, signal, span) => ws.rewrite(q, signal, span) }));
  }
  if (parts.mcp) {
    const mcp = parts.mcp;
    panel.setContextResolver('mcp-resource', mcp.resourceResolver);
    panel.setMcpResourcePicker(() => mcp.pickResource());
    mcp.setApprovalPrompt(panel.approvalPrompt);
    panel.setSlashCommands({
      list: () => mcp.promptCommands(),
      expand: (command, args) => {
        const spec = mcp.promptCommands().find((c) => c.command === command.command);
        if (!spec) throw new Error(`${command.command} is no longer offered by a connected MCP server.`);
        return mcp.expandPrompt(spec.server, spec.prompt, args);
      },
    });
  }
}
