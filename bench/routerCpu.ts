/**
 * Router CPU per call vs the raw SDK: the same streamed call made directly through the adapter
 * (the openai SDK) and through the router as the app builds it (route, breaker, budget gate,
 * trace spans with bodies recorded and redacted, cost, ledger append, persisted trace store).
 * The fake wire server runs in its own process, so this process's CPU is the client side only.
 * Blocks of calls alternate (direct, routed, direct, …) so both see the same machine load; the
 * figure is routed CPU / direct CPU over all blocks, with the per-block ratios as a distribution.
 * A second figure, routerOnlyCpuUsPerCall, is the router's own CPU with the network taken out
 * (see routerOnlyCpu): steadier on a loaded machine, so changes to the router show in it first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelAdapter, ModelRequest } from '../src/core/models/types';
import { resolveModel } from '../src/core/router/candidates';
import { createTestCore } from '../test/support/testCore';
import { startServerProcess } from './serverProcess';
import { summarize } from './stats';

const cpuUs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return d.user + d.system;
};

/**
 * The router's own CPU per call with no network: the adapter's stream is swapped for an in-process
 * one yielding the same events, so routed − direct is the router's work alone (route, breaker,
 * budget, spans, redaction, cost, ledger line, trace line). Steadier than the ratio on a loaded
 * machine; the ratio above is the figure that counts (it includes the cache and GC cost of
 * running beside real network calls, about 2–3× this in-process figure).
 */
async function routerOnlyCpu(adapter: ModelAdapter, direct: () => Promise<void>, routed: () => Promise<void>, flush: () => Promise<void>): Promise<Record<string, unknown>> {
  const networkStream = adapter.stream;
  const chunks = ['Hello', ' there', ', here is', ' the answer', ' you asked', ' for.'];
  adapter.stream = async function* inProcessStream() {
    for (const text of chunks) {
      await null; // one turn per chunk, as a network stream has
      yield { type: 'text', text };
    }
    yield { type: 'usage', usage: { inputTokens: 420, outputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0 } };
    yield { type: 'finish', reason: 'stop' };
  };
  try {
    const blocks = 20;
    const callsPerBlock = 100;
    let directUs = 0;
    let routedUs = 0;
    for (let b = 0; b < blocks; b++) {
      let start = process.cpuUsage();
      for (let i = 0; i < callsPerBlock; i++) await direct();
      directUs += cpuUs(start);
      start = process.cpuUsage();
      for (let i = 0; i < callsPerBlock; i++) await routed();
      await flush();
      routedUs += cpuUs(start);
    }
    return { routerOnlyCpuUsPerCall: Number(((routedUs - directUs) / (blocks * callsPerBlock)).toFixed(1)), routerOnlyMethod: `adapter stream swapped for an in-process one (same events); ${blocks} alternating blocks of ${callsPerBlock}; routed − direct CPU per call` };
  } finally {
    adapter.stream = networkStream;
  }
}

export async function benchRouterCpu(blocks = 12, callsPerBlock = 40): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-cpu-'));
  // A realistic small answer: several chunks, usage at the end.
  const server = await startServerProcess(dir, { defaults: { '*': { type: 'text', chunks: ['Hello', ' there', ', here is', ' the answer', ' you asked', ' for.'], usage: { inputTokens: 420, outputTokens: 12 } } } });
  let dispose = async () => {};
  try {
    const core = await createTestCore({
      providers: { oa: { kind: 'openai', baseUrl: server.openaiBaseUrl } },
      models: { mini: { provider: 'oa', id: 'gpt-4.1-mini' } },
      routes: { chat: ['mini'] },
    }, dir, 'sk-bench');
    dispose = () => core.dispose();
    const adapter: ModelAdapter = await core.adapterFor('oa');
    const model = resolveModel(core.config, 'mini', (id) => core.catalog.lookup(id));
    const request: ModelRequest = { messages: [{ role: 'system', content: 'You are a helpful coding assistant.' }, { role: 'user', content: 'Explain what this function does: function add(a, b) { return a + b; } — contact me at dev@example.com.' }], maxTokens: 64 };
    const direct = async () => {
      for await (const _e of adapter.stream(model, request, new AbortController().signal)) {
        // drain
      }
    };
    const routed = async () => {
      await core.router.complete({ task: 'chat', request });
    };
    for (let i = 0; i < 30; i++) {
      await direct();
      await routed();
    }
    await core.ledger.flush?.();
    let directTotal = 0;
    let routedTotal = 0;
    const blockRatios: number[] = [];
    for (let b = 0; b < blocks; b++) {
      let start = process.cpuUsage();
      for (let i = 0; i < callsPerBlock; i++) await direct();
      const d = cpuUs(start);
      start = process.cpuUsage();
      for (let i = 0; i < callsPerBlock; i++) await routed();
      // The ledger and trace writes the router queued belong to its calls.
      await core.ledger.flush?.();
      await core.traceStore.flush();
      const r = cpuUs(start);
      directTotal += d;
      routedTotal += r;
      blockRatios.push(r / d);
    }
    const calls = blocks * callsPerBlock;
    const inProcess = await routerOnlyCpu(adapter, direct, routed, async () => {
      await core.ledger.flush?.();
      await core.traceStore.flush();
    });
    return {
      method: `CPU (user+sys) of this process only (fake server in its own process); ${blocks} alternating blocks of ${callsPerBlock} calls; trace bodies recorded (the default)`,
      directCpuUsPerCall: Math.round(directTotal / calls),
      routedCpuUsPerCall: Math.round(routedTotal / calls),
      ratio: Number((routedTotal / directTotal).toFixed(2)),
      blockRatios: summarize(blockRatios, 2),
      ...inProcess,
    };
  } finally {
    await dispose();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
