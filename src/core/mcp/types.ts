/** The MCP area's public types: server states and status, tools, call results and errors, hub options. */
import type { CallToolResult, Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logger';
import type { ToolInfo } from '../tools/toolSource';
import type { McpInputDefinition, McpServerSource, McpTransportSpec, VariableContext } from './config';

/** How a server was reached: stdio, Streamable HTTP, or SSE (also after an 'http' server fell back). */
export type ConnectedVia = 'stdio' | 'http' | 'sse';

export type McpServerState = 'starting' | 'connected' | 'reconnecting' | 'error' | 'disabled' | 'blocked' | 'stopped';

/** One MCP tool as the model sees it (namespaced name) and as the server names it. */
export interface McpTool extends ToolInfo {
  /** Model-facing name, valid for OpenAI and Anthropic: "<server>__<tool>". */
  name: string;
  server: string;
  title?: string;
}

export interface McpServerStatus {
  name: string;
  source: McpServerSource;
  transport: McpTransportSpec['type'];
  /** For HTTP servers: the transport that connected ('http' or, after fallback, 'sse'). */
  connectedVia?: ConnectedVia;
  state: McpServerState;
  lastError?: string;
  serverName?: string;
  serverVersion?: string;
  instructions?: string;
  tools: Tool[];
  /** Tools the server listed but that cannot be used (invalid definition), each with why. */
  skippedTools: string[];
  disabledTools: string[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
  /** Consecutive failed connection attempts. */
  attempts: number;
  pid?: number;
}

export interface McpToolResult {
  content: CallToolResult['content'];
  structuredContent?: Record<string, unknown>;
  /** The server reported the tool failed (the call itself went through). */
  isError: boolean;
}

export interface ReconnectOptions {
  baseMs: number;
  maxMs: number;
  /** Consecutive failed attempts before the server is left in 'error' (until restarted). */
  maxAttempts: number;
  /** A connection that lived this long resets the attempt count when it drops. */
  stableMs: number;
}

export interface McpHubOptions {
  logger: Logger;
  /** Each stderr line of a stdio server (the host shows them in an Output channel). */
  onStderr?: (server: string, line: string) => void;
  /** Variable context for `${workspaceFolder}`, `${env:X}`, `${input:id}`. */
  variables?: Omit<VariableContext, 'inputs'>;
  callTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** list_changed notifications within this window are coalesced into one re-list. Default 150 ms. */
  listChangedDebounceMs?: number;
  /** Ping interval for HTTP/SSE servers (a dead one is reconnected); 0 turns it off. Default 30 s. */
  healthCheckMs?: number;
  reconnect?: Partial<ReconnectOptions>;
  /** Login-shell PATH lookup; pass `async () => undefined` to keep the current PATH. */
  loginShellPath?: () => Promise<string | undefined>;
  /** Environment the server env is derived from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  clientInfo?: { name: string; version: string };
  random?: () => number;
}

export interface McpUpdateOptions {
  inputs?: McpInputDefinition[];
  /** Servers that must not start, with the reason shown (e.g. untrusted workspace). */
  blocked?: Record<string, string>;
}
