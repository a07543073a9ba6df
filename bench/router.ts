/**
 * Router CPU per call vs the raw SDK (bench/routerCpu.ts) and router overhead: the same fake-server call made directly through the adapter and through the
 * router as the app builds it (route resolution, breaker, budget gate, trace spans, cost, ledger
 * append, persisted trace store), interleaved
 * so both see the same machine noise. Also: failover time after a hang (TTFT timeout → next model).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelAdapter, ModelRequest } from '../src/core/models/types';
import { resolveModel } from '../src/core/router/candidates';
import { startFakeServer } from '../test/support/fakeServer';
import { createTestCore } from '../test/support/testCore';
import { elapsedUs, summarize } from './stats';

export async function benchRouter(iterations = 300): Promise<Record<string, unknown>> {
  const fake = await startFakeServer();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  let disposeCore = async () => {};
  try {
    const ttftMs = 300;
    const core = await createTestCore({
      providers: { oa: { kind: 'openai', baseUrl: fake.openaiBaseUrl } },
      models: { mini: { provider: 'oa', id: 'gpt-4.1-mini' }, nano: { provider: 'oa', id: 'gpt-4.1-nano' } },
      routes: { chat: ['mini', 'nano'] },
      router: { ttftTimeoutMs: { default: ttftMs }, breakerFailureThreshold: 1000 },
    }, dir, 'sk-bench');
    disposeCore = () => core.dispose();
    const { config, router, catalog } = core;
    const adapter: ModelAdapter = await core.adapterFor('oa');
    const model = resolveModel(config, 'mini', (id) => catalog.lookup(id));
    const request: ModelRequest = { messages: [{ role: 'user', content: 'Say hello.' }], maxTokens: 16 };
    fake.setDefault('*', { type: 'text', chunks: ['Hello', ' world', '!'], usage: { inputTokens: 12, outputTokens: 3 } });

    const direct: number[] = [];
    const routed: number[] = [];
    for (let i = 0; i < 20; i++) await router.complete({ task: 'chat', request }); // warm-up
    for (let i = 0; i < iterations; i++) {
      let start = process.hrtime.bigint();
      for await (const _e of adapter.stream(model, request, new AbortController().signal)) {
        // drain
      }
      direct.push(elapsedUs(start));
      start = process.hrtime.bigint();
      await router.complete({ task: 'chat', request });
      routed.push(elapsedUs(start));
    }
    const d = summarize(direct);
    const r = summarize(routed);

    const failover: number[] = [];
    for (let i = 0; i < 5; i++) {
      fake.script('gpt-4.1-mini', [{ type: 'hang' }]);
      const start = process.hrtime.bigint();
      const result = await router.complete({ task: 'chat', request, model: 'mini' });
      if (result.model !== 'nano') throw new Error(`failover bench expected nano, got ${result.model}`);
      failover.push(elapsedUs(start) / 1000);
    }
    const paired = routed.map((x, i) => x - direct[i]);
    return {
      iterations,
      directCallUs: d,
      routedCallUs: r,
      routerOverheadUs: {
        method: 'difference of the p50 (p99) of the two samples: interleaved calls, not paired',
        p50: Number((r.p50 - d.p50).toFixed(1)),
        p99: Number((r.p99 - d.p99).toFixed(1)),
      },
      routerOverheadPairedUs: { method: 'per iteration: routed call minus the direct call just before it', ...summarize(paired) },
      failoverAfterHang: { ttftTimeoutMs: ttftMs, totalMs: summarize(failover), beyondTimeoutMsP50: Number((summarize(failover).p50 - ttftMs).toFixed(1)) },
    };
  } finally {
    await disposeCore();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
