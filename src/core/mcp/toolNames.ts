/**
 * Model-facing tool names: "<server>__<tool>", restricted to ^[a-zA-Z0-9_-]{1,64}$ so OpenAI and
 * Anthropic both accept them, stable across reconnects, unique across servers.
 */
import { createHash } from 'node:crypto';

export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX = 64;

const clean = (s: string) => s.replace(/[^a-zA-Z0-9_-]/g, '_');
const shortHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

/** The preferred name of one tool; long names keep a readable head plus a hash of the full pair. */
export function toolNameFor(server: string, tool: string): string {
  const candidate = `${clean(server)}__${clean(tool)}`;
  const exact = candidate === `${server}__${tool}`;
  if (candidate.length <= MAX && exact) return candidate;
  // Sanitised or truncated names get a hash so "a.b" and "a_b" never collide.
  const hash = shortHash(`${server}\u0000${tool}`);
  return `${candidate.slice(0, MAX - hash.length - 1)}_${hash}`;
}

export interface NamedTool {
  server: string;
  tool: string;
}

/** Assigns names to a set of tools; a clash (possible only after sanitising) gets a hash suffix. */
export function assignToolNames<T extends NamedTool>(tools: T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const t of tools) {
    let name = toolNameFor(t.server, t.tool);
    if (out.has(name)) {
      const hash = shortHash(`${t.server}\u0000${t.tool}\u0000dup`);
      name = `${name.slice(0, MAX - hash.length - 1)}_${hash}`;
    }
    out.set(name, t);
  }
  return out;
}
