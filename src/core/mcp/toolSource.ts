/**
 * The MCP implementation of the tool loop's ToolSource (core/tools) over the hub: definitions with
 * model-facing names, and calls whose results become plain text for the model.
 */
import type { ToolSource } from '../tools/toolSource';
import type { McpHub, McpToolResult } from './hub';

// The seam lives in core/tools (MCP is one provider of tools); re-exported for MCP's callers.
export type { ToolSource } from '../tools/toolSource';

type Block = McpToolResult['content'][number];

function renderBlock(b: Block): string {
  switch (b.type) {
    case 'text':
      return b.text;
    case 'image':
    case 'audio':
      // Binary content is not sent to text models; the model learns it exists.
      return `[${b.type} ${b.mimeType}, ${Math.floor((b.data.length * 3) / 4)} bytes, not shown]`;
    case 'resource': {
      const r = b.resource as { uri: string; mimeType?: string; text?: string; blob?: string };
      return typeof r.text === 'string' ? `[resource ${r.uri}]\n${r.text}` : `[resource ${r.uri}${r.mimeType ? ` (${r.mimeType})` : ''}, binary, not shown]`;
    }
    case 'resource_link':
      return `[resource link ${b.uri}${b.name ? ` "${b.name}"` : ''}${b.description ? `: ${b.description}` : ''}]`;
    default:
      return `[${(b as { type: string }).type} content]`;
  }
}

/** An MCP tool result as text: text blocks verbatim, binary blocks described, structured content as JSON. */
export function renderToolResult(result: McpToolResult, maxChars = 100_000): string {
  let text = result.content.map(renderBlock).join('\n');
  if (!text.trim() && result.structuredContent) text = JSON.stringify(result.structuredContent, null, 2);
  if (text.length > maxChars) text = `${text.slice(0, maxChars)}\n[… ${text.length - maxChars} more characters cut]`;
  return text;
}

/** The hub's tools as a ToolSource; `maxResultChars` caps what one result adds to the prompt. */
export function hubToolSource(hub: McpHub, options: { maxResultChars?: number; timeoutMs?: () => number | undefined } = {}): ToolSource {
  return {
    definitions: () => hub.toolDefinitions(),
    resolve: (name) => {
      const t = hub.resolveTool(name);
      return t && { name: t.name, server: t.server, tool: t.tool, description: t.description, inputSchema: t.inputSchema, annotations: t.annotations };
    },
    async call(name, args, { signal }) {
      const t = hub.resolveTool(name);
      if (!t) throw new Error(`unknown tool "${name}"`);
      const r = await hub.callTool(t.server, t.tool, args, { signal, timeoutMs: options.timeoutMs?.() });
      return { content: renderToolResult(r, options.maxResultChars), isError: r.isError };
    },
  };
}
