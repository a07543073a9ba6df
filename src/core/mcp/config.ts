/**
 * MCP server configuration: reads Switchyard's `mcpServers` setting, VS Code's `.vscode/mcp.json`
 * (`servers` + `inputs`) and the common `mcpServers` JSON other clients use, tolerantly: a bad
 * entry becomes an issue naming the server and the field, the other entries still load.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';

export type McpSourceKind = 'settings' | 'workspace' | 'file';

export interface McpServerSource {
  kind: McpSourceKind;
  /** The file the entry came from (absent for settings). */
  path?: string;
}

export interface StdioTransportSpec {
  type: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  envFile?: string;
  cwd?: string;
}

export interface HttpTransportSpec {
  /** 'http' tries Streamable HTTP first and falls back to SSE; 'sse' is SSE only. */
  type: 'http' | 'sse';
  url: string;
  headers: Record<string, string>;
}

export type McpTransportSpec = StdioTransportSpec | HttpTransportSpec;

/** One server as configured, before variables (`${input:x}`, `${env:X}`, …) are resolved. */
export interface McpServerSpec {
  name: string;
  source: McpServerSource;
  transport: McpTransportSpec;
  disabled: boolean;
  /** Tool names (as the server names them) hidden from the model. */
  disabledTools: string[];
}

/** An input variable of `.vscode/mcp.json` (`${input:id}`). */
export interface McpInputDefinition {
  id: string;
  type: 'promptString' | 'pickString';
  description?: string;
  password?: boolean;
  default?: string;
  options?: string[];
}

export interface McpConfigIssue {
  /** The server entry's name, absent for file-level problems. */
  server?: string;
  source: McpServerSource;
  message: string;
}

export interface McpConfigLoad {
  servers: McpServerSpec[];
  inputs: McpInputDefinition[];
  issues: McpConfigIssue[];
}

const stringRecord = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const TYPE_ALIASES: Record<string, 'stdio' | 'http' | 'sse'> = {
  stdio: 'stdio',
  local: 'stdio',
  http: 'http',
  'streamable-http': 'http',
  streamablehttp: 'http',
  streamable_http: 'http',
  sse: 'sse',
};

/** One server entry in any of the accepted dialects; unknown keys are ignored. */
const rawServerSchema = z
  .object({
    type: z.string().optional(),
    transport: z.string().optional(),
    command: z.string().min(1, 'must not be empty').optional(),
    args: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
    env: stringRecord.optional(),
    envFile: z.string().optional(),
    cwd: z.string().optional(),
    url: z.string().optional(),
    serverUrl: z.string().optional(),
    headers: stringRecord.optional(),
    disabled: z.boolean().optional(),
    enabled: z.boolean().optional(),
    disabledTools: z.array(z.string()).optional(),
  })
  .superRefine((s, ctx) => {
    const declared = s.type ?? s.transport;
    if (declared !== undefined && !TYPE_ALIASES[declared.toLowerCase()]) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `unknown type "${declared}" (use "stdio", "http" or "sse")` });
      return;
    }
    const type = declared ? TYPE_ALIASES[declared.toLowerCase()] : undefined;
    const url = s.url ?? s.serverUrl;
    if (type === 'stdio' || (type === undefined && url === undefined)) {
      if (!s.command) ctx.addIssue({ code: 'custom', path: ['command'], message: 'a stdio server needs "command" (or give "url" for an HTTP server)' });
    } else if (!url) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `a ${type} server needs "url"` });
    } else if (!/^\$\{/.test(url) && !URL.canParse(url)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `"${url}" is not a valid URL` });
    }
  });

const inputSchema = z.object({
  id: z.string().min(1),
  type: z.enum(['promptString', 'pickString']).default('promptString'),
  description: z.string().optional(),
  password: z.boolean().optional(),
  default: z.string().optional(),
  options: z.array(z.union([z.string(), z.object({ value: z.string() }).transform((o) => o.value)])).optional(),
});

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Parses one entry; returns the spec or a message naming what is wrong. */
function parseServerEntry(name: string, raw: unknown, source: McpServerSource): McpServerSpec | McpConfigIssue {
  if (!/^[^\s/]{1,64}$/.test(name)) {
    return { server: name, source, message: `server name "${name}" must be 1-64 characters without spaces or "/"` };
  }
  const parsed = rawServerSchema.safeParse(raw);
  if (!parsed.success) {
    return { server: name, source, message: `server "${name}": ${formatIssues(parsed.error)}` };
  }
  const s = parsed.data;
  const declared = s.type ?? s.transport;
  const url = s.url ?? s.serverUrl;
  const type = declared ? TYPE_ALIASES[declared.toLowerCase()] : url !== undefined ? 'http' : 'stdio';
  const transport: McpTransportSpec =
    type === 'stdio'
      ? { type, command: s.command!, args: s.args ?? [], env: s.env ?? {}, envFile: s.envFile, cwd: s.cwd }
      : { type, url: url!, headers: s.headers ?? {} };
  return {
    name,
    source,
    transport,
    disabled: s.disabled === true || s.enabled === false,
    disabledTools: s.disabledTools ?? [],
  };
}

function isIssue(x: McpServerSpec | McpConfigIssue): x is McpConfigIssue {
  return 'message' in x;
}

/**
 * Parses a server map (`{ name: entry }`) entry by entry. Used for the settings value, the
 * `servers` key of `.vscode/mcp.json` and the `mcpServers` key of other clients' files.
 */
export function parseServerMap(value: unknown, source: McpServerSource): { servers: McpServerSpec[]; issues: McpConfigIssue[] } {
  const servers: McpServerSpec[] = [];
  const issues: McpConfigIssue[] = [];
  if (value === undefined || value === null) return { servers, issues };
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ source, message: 'the server list must be an object of { "name": { …server… } }' });
    return { servers, issues };
  }
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    const r = parseServerEntry(name, entry, source);
    if (isIssue(r)) issues.push(r);
    else servers.push(r);
  }
  return { servers, issues };
}

/**
 * Parses the text of an MCP config file: VS Code's format (`{"servers": …, "inputs": […]}`), the
 * common format (`{"mcpServers": …}`) or a Switchyard config file (its `mcpServers` key). Comments
 * and trailing commas are allowed, as VS Code allows them.
 */
export function parseMcpConfigText(text: string, source: McpServerSource): McpConfigLoad {
  const errors: ParseError[] = [];
  const doc: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  const where = source.path ?? source.kind;
  if (errors.length > 0) {
    const e = errors[0];
    return { servers: [], inputs: [], issues: [{ source, message: `${where}: JSON syntax error (${printParseErrorCode(e.error)}) at offset ${e.offset}; fix the file and save it again` }] };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return { servers: [], inputs: [], issues: [{ source, message: `${where}: expected a JSON object with "servers" or "mcpServers"` }] };
  }
  const obj = doc as Record<string, unknown>;
  const servers: McpServerSpec[] = [];
  const issues: McpConfigIssue[] = [];
  for (const key of ['servers', 'mcpServers'] as const) {
    const r = parseServerMap(obj[key], source);
    servers.push(...r.servers);
    issues.push(...r.issues);
  }
  const inputs: McpInputDefinition[] = [];
  if (Array.isArray(obj.inputs)) {
    obj.inputs.forEach((raw, i) => {
      const p = inputSchema.safeParse(raw);
      if (p.success) inputs.push(p.data);
      else issues.push({ source, message: `${where}: inputs[${i}]: ${formatIssues(p.error)}` });
    });
  }
  return { servers, inputs, issues };
}

/** Reads and parses an MCP config file; a missing file is no servers and no issue when `optional`. */
export async function loadMcpConfigFile(file: string, kind: McpSourceKind, optional = false): Promise<McpConfigLoad> {
  const source: McpServerSource = { kind, path: file };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return { servers: [], inputs: [], issues: [] };
    return { servers: [], inputs: [], issues: [{ source, message: `${file}: cannot read (${(err as Error).message})` }] };
  }
  return parseMcpConfigText(text, source);
}

/** Merges config loads; a later server with the same name replaces an earlier one (workspace over settings). */
export function mergeMcpConfigs(...loads: McpConfigLoad[]): McpConfigLoad {
  const byName = new Map<string, McpServerSpec>();
  const inputs: McpInputDefinition[] = [];
  const issues: McpConfigIssue[] = [];
  for (const l of loads) {
    for (const s of l.servers) {
      byName.delete(s.name);
      byName.set(s.name, s);
    }
    inputs.push(...l.inputs);
    issues.push(...l.issues);
  }
  return { servers: [...byName.values()], inputs, issues };
}

/** The fields that decide the connection: a change in any of them restarts the server. */
export function connectionKey(spec: McpServerSpec): string {
  const t = spec.transport;
  const sorted = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
  return t.type === 'stdio'
    ? JSON.stringify([t.type, t.command, t.args, sorted(t.env), t.envFile ?? null, t.cwd ?? null])
    : JSON.stringify([t.type, t.url, sorted(t.headers)]);
}

// ---------------------------------------------------------------- variable resolution

export interface VariableContext {
  workspaceFolder?: string;
  /** Environment for `${env:NAME}`. */
  env: Record<string, string | undefined>;
  inputs: McpInputDefinition[];
  /** Answers `${input:id}`; undefined means the user gave no value (the server is not started). */
  resolveInput?: (input: McpInputDefinition) => Promise<string | undefined>;
}

export class McpConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'McpConfigError';
  }
}

const VAR = /\$\{([^}]+)\}/g;

/** Replaces `${workspaceFolder}`, `${userHome}`, `${env:X}`, `${input:id}`, `${pathSeparator}`. */
async function resolveVariables(text: string, ctx: VariableContext, cache: Map<string, string>): Promise<string> {
  const names = [...text.matchAll(VAR)].map((m) => m[1]);
  for (const name of names) {
    if (cache.has(name)) continue;
    let value: string | undefined;
    if (name === 'workspaceFolder') {
      if (!ctx.workspaceFolder) throw new McpConfigError('${workspaceFolder} is used but no folder is open');
      value = ctx.workspaceFolder;
    } else if (name === 'userHome') value = homedir();
    else if (name === 'pathSeparator' || name === '/') value = path.sep;
    else if (name.startsWith('env:')) value = ctx.env[name.slice(4)] ?? '';
    else if (name.startsWith('input:')) {
      const id = name.slice(6);
      const def = ctx.inputs.find((i) => i.id === id);
      if (!def) throw new McpConfigError(`\${input:${id}} is used but "inputs" defines no input with id "${id}"`);
      value = ctx.resolveInput ? await ctx.resolveInput(def) : def.default;
      if (value === undefined) throw new McpConfigError(`no value was given for input "${id}"${def.description ? ` (${def.description})` : ''}`);
    } else {
      throw new McpConfigError(`unknown variable \${${name}} (supported: workspaceFolder, userHome, env:NAME, input:ID, pathSeparator)`);
    }
    cache.set(name, value);
  }
  return text.replace(VAR, (_m, name: string) => cache.get(name) ?? '');
}

/** A transport with every variable resolved and, for stdio, `envFile` read and merged under `env`. */
export async function resolveTransport(spec: McpServerSpec, ctx: VariableContext, cache = new Map<string, string>()): Promise<McpTransportSpec> {
  const r = (s: string) => resolveVariables(s, ctx, cache);
  const rRecord = async (rec: Record<string, string>) => Object.fromEntries(await Promise.all(Object.entries(rec).map(async ([k, v]) => [k, await r(v)] as const)));
  const t = spec.transport;
  if (t.type !== 'stdio') return { type: t.type, url: await r(t.url), headers: await rRecord(t.headers) };
  let fileEnv: Record<string, string> = {};
  let envFile: string | undefined;
  if (t.envFile) {
    envFile = await r(t.envFile);
    if (!path.isAbsolute(envFile)) envFile = path.resolve(ctx.workspaceFolder ?? process.cwd(), envFile);
    let text: string;
    try {
      text = await readFile(envFile, 'utf8');
    } catch (err) {
      throw new McpConfigError(`envFile "${envFile}" cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); fix the path or remove "envFile"`);
    }
    fileEnv = parseEnv(text) as Record<string, string>;
  }
  return {
    type: 'stdio',
    command: await r(t.command),
    args: await Promise.all(t.args.map(r)),
    env: { ...fileEnv, ...(await rRecord(t.env)) },
    envFile,
    cwd: t.cwd ? await r(t.cwd) : ctx.workspaceFolder,
  };
}
