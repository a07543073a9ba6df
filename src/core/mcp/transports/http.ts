/**
 * The HTTP transports: Streamable HTTP, falling back to the older SSE transport for an 'http'
 * server that does not speak it; 'sse' servers use SSE only.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { HttpTransportSpec } from '../config';
import { errorText } from '../errors';
import type { DisposableStore } from '../../util/disposables';

export interface HttpContext {
  /** A fresh client: a client that failed one transport is not reused for the next. */
  newClient: () => Client;
  /** Told when Streamable HTTP failed and SSE is tried. */
  onFallback: (reason: string) => void;
}

/** Connects over HTTP; every client it opens is closed with `store`. */
export async function connectHttp(t: HttpTransportSpec, store: DisposableStore, timeoutMs: number, ctx: HttpContext): Promise<{ client: Client; via: 'http' | 'sse' }> {
  const url = new URL(t.url);
  const requestInit: RequestInit = { headers: t.headers };
  const attempt = async (transport: Transport): Promise<Client> => {
    const client = ctx.newClient();
    store.add({ dispose: () => client.close() });
    try {
      await client.connect(transport, { timeout: timeoutMs });
      return client;
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
  };
  if (t.type === 'sse') return { client: await attempt(new SSEClientTransport(url, { requestInit })), via: 'sse' };
  try {
    return { client: await attempt(new StreamableHTTPClientTransport(url, { requestInit })), via: 'http' };
  } catch (httpErr) {
    if (store.isDisposed) throw httpErr;
    ctx.onFallback(errorText(httpErr));
    try {
      return { client: await attempt(new SSEClientTransport(url, { requestInit })), via: 'sse' };
    } catch (sseErr) {
      throw new Error(`${t.url} answered neither Streamable HTTP (${errorText(httpErr)}) nor SSE (${errorText(sseErr)})`);
    }
  }
}
