/** A local OTLP/HTTP collector for tests: records every export it receives (path and body) and answers 200. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpExport {
  path: string;
  body: Buffer;
}

export interface OtlpCollector {
  /** The endpoint to put in trace.otlpEndpoint. */
  url: string;
  /** The requests received, oldest first (empty it between tests with `exports.length = 0`). */
  exports: OtlpExport[];
  close(): Promise<void>;
}

export async function startOtlpCollector(): Promise<OtlpCollector> {
  const exports: OtlpExport[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      exports.push({ path: req.url ?? '', body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
