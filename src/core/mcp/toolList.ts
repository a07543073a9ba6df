/**
 * Reads a server's tools/list one tool at a time: a tool whose definition is invalid (input schema
 * not an object schema, a schema no validator compiles, no name) is skipped with a message naming
 * it, and the server's other tools stay usable. The SDK's own listTools rejects the whole page.
 */
import { ToolSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { SchemaChecker } from './validate';

/** One tools/list page, tools unchecked (each is checked by screenTools). */
export const lenientToolsPageSchema = z.looseObject({
  tools: z.array(z.unknown()),
  nextCursor: z.string().optional(),
});

export interface ScreenedTools {
  tools: Tool[];
  /** One line per skipped tool: its name (or position) and why. */
  skipped: string[];
}

export function screenTools(raw: unknown[], schemaError: SchemaChecker): ScreenedTools {
  const tools: Tool[] = [];
  const skipped: string[] = [];
  raw.forEach((item, i) => {
    const name = item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string' ? (item as { name: string }).name : undefined;
    const label = name !== undefined ? `tool "${name}"` : `tool #${i + 1} (no name)`;
    const parsed = ToolSchema.safeParse(item);
    if (!parsed.success) {
      const why = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || '(tool)'}: ${issue.message}`).join('; ');
      skipped.push(`${label} skipped: invalid definition (${why})`);
      return;
    }
    const tool = parsed.data as Tool;
    for (const which of ['inputSchema', 'outputSchema'] as const) {
      const schema = tool[which] as Record<string, unknown> | undefined;
      const error = schema ? schemaError(schema) : undefined;
      if (error) {
        skipped.push(`${label} skipped: its ${which} is not a valid JSON Schema (${error})`);
        return;
      }
    }
    tools.push(tool);
  });
  return { tools, skipped };
}
