/** Opens an MCP client over the transport a server's (resolved) spec names. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpTransportSpec } from '../config';
import type { ConnectedVia } from '../types';
import type { DisposableStore } from '../../util/disposables';
import { connectHttp } from './http';
import { connectStdio, type StdioContext } from './stdio';

export { ServerPath, type StdioContext } from './stdio';

export interface OpenedClient {
  client: Client;
  via: ConnectedVia;
  /** The server process (stdio only). */
  pid?: number;
}

export interface TransportContext {
  clientInfo: { name: string; version: string };
  timeoutMs: number;
  stdio: StdioContext;
  onHttpFallback: (reason: string) => void;
}

/** Connects and completes the handshake; the client and any process end when `store` is disposed. */
export async function openClient(t: McpTransportSpec, store: DisposableStore, ctx: TransportContext): Promise<OpenedClient> {
  const newClient = () => new Client(ctx.clientInfo, { capabilities: {} });
  if (t.type === 'stdio') {
    const client = newClient();
    store.add({ dispose: () => client.close() });
    const pid = await connectStdio(client, t, store, ctx.timeoutMs, ctx.stdio);
    return { client, via: 'stdio', pid };
  }
  return connectHttp(t, store, ctx.timeoutMs, { newClient, onFallback: ctx.onHttpFallback });
}
