/**
 * The tool seam the chat tool loop calls, whoever provides the tools (MCP servers, Switchyard's
 * read-only workspace tools): definitions with model-facing names, and calls returning text.
 */
import type { ToolDefinition } from '../models/types';

/** A tool the loop can run, found by its model-facing name. */
export interface ToolInfo {
  name: string;
  /** Who provides it: an MCP server's name, or "workspace" for Switchyard's own tools. */
  server?: string;
  /** The tool's own name at its provider. */
  tool: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export interface ToolOutput {
  /** The result as text for the model (not yet wrapped as untrusted content). */
  content: string;
  isError: boolean;
}

/** Where the tool loop gets its tools. Calls throw on transport failures (timeout, disconnect). */
export interface ToolSource {
  definitions(): ToolDefinition[];
  resolve(name: string): ToolInfo | undefined;
  call(name: string, args: Record<string, unknown>, options: { signal?: AbortSignal }): Promise<ToolOutput>;
}

/** Several sources as one; on a name clash the earlier source wins (its tool is the one offered). */
export function combineToolSources(...sources: ToolSource[]): ToolSource {
  const owner = (name: string) => sources.find((s) => s.resolve(name) !== undefined);
  return {
    definitions() {
      const seen = new Set<string>();
      return sources.flatMap((s) => s.definitions()).filter((d) => !seen.has(d.name) && (seen.add(d.name), true));
    },
    resolve: (name) => owner(name)?.resolve(name),
    call(name, args, options) {
      const source = owner(name);
      if (!source) return Promise.reject(new Error(`unknown tool "${name}"`));
      return source.call(name, args, options);
    },
  };
}
