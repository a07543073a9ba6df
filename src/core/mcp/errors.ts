/** Errors of MCP calls, classified in one place: what went wrong and what the user can do. */
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

export type McpCallErrorKind = 'unavailable' | 'unknown_tool' | 'timeout' | 'disconnected' | 'aborted' | 'protocol';

/** A failed tool call / resource read; `message` names the server, the tool and what to do. */
export class McpCallError extends Error {
  constructor(readonly kind: McpCallErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'McpCallError';
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function isRequestTimeout(err: unknown): boolean {
  return err instanceof McpError && err.code === ErrorCode.RequestTimeout;
}

export function isConnectionClosed(err: unknown): boolean {
  return err instanceof McpError && err.code === ErrorCode.ConnectionClosed;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

/** Why an error means the connection itself is gone (network failure, HTTP session lost), else undefined. */
export function connectionFailure(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if (e instanceof StreamableHTTPError && e.code === 404) return 'the server no longer knows this session';
    if (e instanceof TypeError && e.message === 'fetch failed') return 'fetch failed';
  }
  return undefined;
}
