/**
 * Switchyard's own read-only workspace tools for chat (read a file or a range, list a folder,
 * search text, search the index), so an answer about a selection can look at the code around
 * it. They only read; paths inside the workspace run without asking (see workspaceApproval).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SearchOptions, SearchResponse } from '../rag/indexer';
import { DEFAULT_EXCLUDES, looksBinary, walkWorkspace } from '../rag/walk/walker';
import type { ApprovalOutcome, ApproveFn, ToolApprovalRequest } from './approval';
import type { ToolDefinition } from '../models/types';
import type { ToolInfo, ToolOutput, ToolSource } from './toolSource';

/** The provider name of these tools in approvals, traces and the Chat tab. */
export const WORKSPACE_TOOLS = 'workspace';

export interface WorkspaceToolsOptions {
  /** The workspace folder; relative paths resolve against it. */
  root: string;
  /** The code index, when there is one (adds `search_index`). */
  search?: (query: string, opts?: SearchOptions) => Promise<SearchResponse>;
  /** Characters one result may add to the prompt (default 40 000). */
  maxResultChars?: number;
  exclude?: string[];
}

/** Files larger than this are not read whole (a range still works up to the cap below). */
const MAX_READ_BYTES = 4 * 1024 * 1024;
const MAX_LIST_ENTRIES = 400;
const MAX_SEARCH_MATCHES = 60;
const MAX_SEARCH_FILE_BYTES = 1024 * 1024;
/** Directories a listing leaves out, as the index does. */
const LIST_SKIPS = new Set(DEFAULT_EXCLUDES.filter((e) => e.endsWith('/')).map((e) => e.slice(0, -1)));

const pathProp = { type: 'string', description: 'A path relative to the workspace folder (or absolute).' };

const TOOLS: Array<ToolInfo & { needsIndex?: boolean }> = [
  {
    name: 'workspace_read_file',
    tool: 'read_file',
    description: 'Read a text file of the workspace, or a range of its lines (1-based, inclusive). Lines come numbered.',
    inputSchema: { type: 'object', properties: { path: pathProp, startLine: { type: 'integer', minimum: 1 }, endLine: { type: 'integer', minimum: 1 } }, required: ['path'], additionalProperties: false },
  },
  {
    name: 'workspace_list_dir',
    tool: 'list_dir',
    description: 'List a folder of the workspace (folders end with "/"). Without a path: the workspace root.',
    inputSchema: { type: 'object', properties: { path: pathProp }, additionalProperties: false },
  },
  {
    name: 'workspace_search_text',
    tool: 'search_text',
    description: 'Find lines containing a text (case-insensitive) or matching a regular expression in the workspace files (.gitignore honoured). Returns path:line: text.',
    inputSchema: {
      type: 'object',
      properties: { query: { type: 'string', minLength: 1 }, regex: { type: 'boolean' }, path: { ...pathProp, description: 'Only search below this folder.' } },
      required: ['query'],
      additionalProperties: false,
    },
  },
  {
    name: 'workspace_search_index',
    tool: 'search_index',
    needsIndex: true,
    description: "Search Switchyard's code index by meaning and keywords; returns the best matching code chunks with their paths and lines.",
    inputSchema: { type: 'object', properties: { query: { type: 'string', minLength: 1 }, k: { type: 'integer', minimum: 1, maximum: 20 } }, required: ['query'], additionalProperties: false },
  },
].map((t) => ({ ...t, server: WORKSPACE_TOOLS, annotations: { readOnlyHint: true } }));

/** The absolute path a tool argument names (relative paths against the root). */
function resolveToolPath(root: string, p: unknown): string {
  const given = typeof p === 'string' && p.trim() ? p.trim() : '.';
  return path.resolve(root, given);
}

/** True when `target` is the root or below it, after following symbolic links where they exist. */
async function isInside(root: string, target: string): Promise<boolean> {
  const real = async (p: string) => fs.realpath(p).catch(() => p);
  const [r, t] = await Promise.all([real(root), real(target)]);
  const rel = path.relative(r, t);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function cut(text: string, max: number, hint: string): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n[… ${text.length - max} more characters cut; ${hint}]`;
}

function display(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  if (rel === '') return '.';
  return !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

async function readFileTool(root: string, args: Record<string, unknown>, max: number): Promise<ToolOutput> {
  const abs = resolveToolPath(root, args.path);
  const st = await fs.stat(abs);
  if (st.isDirectory()) return { content: `${display(root, abs)} is a folder; use workspace_list_dir.`, isError: true };
  const handle = await fs.open(abs, 'r');
  let buf: Buffer;
  try {
    const length = Math.min(st.size, MAX_READ_BYTES);
    buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, 0);
  } finally {
    await handle.close();
  }
  if (looksBinary(buf.subarray(0, 8000))) return { content: `${display(root, abs)} is a binary file (${st.size} bytes); not shown.`, isError: true };
  const lines = buf.toString('utf8').split(/\r?\n/);
  const start = Math.max(1, Number(args.startLine) || 1);
  const end = Math.min(lines.length, Number(args.endLine) || lines.length);
  if (start > end) return { content: `${display(root, abs)} has ${lines.length} lines; lines ${start}-${end} do not exist.`, isError: true };
  const width = String(end).length;
  const body = lines.slice(start - 1, end).map((l, i) => `${String(start + i).padStart(width)}: ${l}`).join('\n');
  const partial = st.size > MAX_READ_BYTES ? ` (first ${MAX_READ_BYTES} bytes of ${st.size})` : '';
  return { content: cut(`${display(root, abs)} lines ${start}-${end} of ${lines.length}${partial}\n${body}`, max, 'read a smaller range with startLine/endLine'), isError: false };
}

async function listDirTool(root: string, args: Record<string, unknown>): Promise<ToolOutput> {
  const abs = resolveToolPath(root, args.path);
  const entries = await fs.readdir(abs, { withFileTypes: true });
  const names = entries
    .filter((e) => !(e.isDirectory() && LIST_SKIPS.has(e.name)))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort((a, b) => a.localeCompare(b));
  const shown = names.slice(0, MAX_LIST_ENTRIES);
  const more = names.length > shown.length ? `\n[… ${names.length - shown.length} more entries]` : '';
  return { content: `${display(root, abs)}/\n${shown.join('\n')}${more}`, isError: false };
}

function matcherFor(query: string, regex: boolean): (line: string) => boolean {
  if (regex) {
    const re = new RegExp(query, 'i');
    return (line) => re.test(line);
  }
  const needle = query.toLowerCase();
  return (line) => line.toLowerCase().includes(needle);
}

async function searchTextTool(root: string, args: Record<string, unknown>, exclude: string[], signal: AbortSignal | undefined, max: number): Promise<ToolOutput> {
  const query = String(args.query ?? '');
  let test: (line: string) => boolean;
  try {
    test = matcherFor(query, args.regex === true);
  } catch (err) {
    return { content: `Not a valid regular expression: ${(err as Error).message}`, isError: true };
  }
  const scope = resolveToolPath(root, args.path);
  const files = await walkWorkspace({ root: scope, exclude, maxFileBytes: MAX_SEARCH_FILE_BYTES, signal });
  const hits: string[] = [];
  for (const file of files) {
    signal?.throwIfAborted();
    const text = await fs.readFile(file.absPath, 'utf8').catch(() => '');
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length && hits.length < MAX_SEARCH_MATCHES; i++) {
      if (test(lines[i])) hits.push(`${display(root, file.absPath)}:${i + 1}: ${lines[i].trim().slice(0, 240)}`);
    }
    if (hits.length >= MAX_SEARCH_MATCHES) break;
  }
  if (hits.length === 0) return { content: `No line matches "${query}" in ${files.length} files.`, isError: false };
  const more = hits.length >= MAX_SEARCH_MATCHES ? `\n[stopped at ${MAX_SEARCH_MATCHES} matches; narrow the query or the path]` : '';
  return { content: cut(hits.join('\n') + more, max, 'narrow the query'), isError: false };
}

async function searchIndexTool(search: NonNullable<WorkspaceToolsOptions['search']>, args: Record<string, unknown>, signal: AbortSignal | undefined, max: number): Promise<ToolOutput> {
  const k = Math.min(20, Math.max(1, Number(args.k) || 6));
  const res = await search(String(args.query ?? ''), { k, signal });
  if (res.hits.length === 0) return { content: res.warning ?? 'The index has no match (is the workspace indexed? Switchyard: Index Workspace).', isError: false };
  const blocks = res.hits.map((h) => `${h.chunk.path}:${h.chunk.startLine}-${h.chunk.endLine}${h.chunk.symbol ? ` (${h.chunk.symbol})` : ''}\n${h.chunk.text}`);
  return { content: cut(blocks.join('\n\n---\n\n'), max, 'ask for fewer results with k'), isError: false };
}

/** The read-only workspace tools as a ToolSource. */
export function workspaceToolSource(options: WorkspaceToolsOptions): ToolSource {
  const max = options.maxResultChars ?? 40_000;
  const offered = TOOLS.filter((t) => !t.needsIndex || options.search);
  const byName = new Map(offered.map((t) => [t.name, t]));
  return {
    definitions: (): ToolDefinition[] => offered.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
    resolve: (name) => {
      const t = byName.get(name);
      return t && { name: t.name, server: t.server, tool: t.tool, description: t.description, inputSchema: t.inputSchema, annotations: t.annotations };
    },
    async call(name, args, { signal }) {
      const t = byName.get(name);
      if (!t) throw new Error(`unknown tool "${name}"`);
      try {
        switch (t.tool) {
          case 'read_file':
            return await readFileTool(options.root, args, max);
          case 'list_dir':
            return await listDirTool(options.root, args);
          case 'search_text':
            return await searchTextTool(options.root, args, options.exclude ?? [], signal, max);
          default:
            return await searchIndexTool(options.search!, args, signal, max);
        }
      } catch (err) {
        if (signal?.aborted) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        const target = display(options.root, resolveToolPath(options.root, args.path));
        const message = code === 'ENOENT' ? `${target} does not exist.` : code === 'ENOTDIR' ? `${target} is not a folder.` : (err as Error).message;
        return { content: message, isError: true };
      }
    },
  };
}

/**
 * Workspace tools inside the workspace run without asking (they only read); a path outside it,
 * and every other tool, goes to `fallback` (the user's approval).
 */
export function workspaceApproval(root: () => string | undefined, fallback: ApproveFn): ApproveFn {
  return async (request: ToolApprovalRequest, signal?: AbortSignal): Promise<ApprovalOutcome | boolean> => {
    const dir = root();
    if (request.server === WORKSPACE_TOOLS && dir) {
      const args = (request.arguments ?? {}) as Record<string, unknown>;
      if (await isInside(dir, resolveToolPath(dir, args.path))) return { allowed: true, scope: 'preapproved' };
    }
    return fallback(request, signal);
  };
}
