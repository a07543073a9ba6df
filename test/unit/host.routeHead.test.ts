/**
 * The route head as the host reads it from `router.resolve` (vscode replaced by
 * test/support/fakeVscode): the chat turn offers workspace tools by the model the router would
 * call first, skipping a head that is cooling down; the status bar names the configured head.
 */
import { Uri, workspace } from '../support/fakeVscode';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { parseConfig } from '../../src/core/config/schema';
import { silentLogger } from '../../src/core/logger';
import { resolveRoute } from '../../src/core/router/resolve';
import type { RouteRequest, Router, RouterResult } from '../../src/core/router/types';
import { createChatTurnRunner } from '../../src/host/chatTurnRunner';
import { statusView } from '../../src/host/statusBar';
import type { AppServices } from '../../src/core/app';
import type { HostServices } from '../../src/host/hostServices';

const config = parseConfig({
  providers: { local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' }, oa: { kind: 'openai' } },
  // An openai-compatible model is not trusted with tools unless it says so; gpt is.
  models: { qwen: { provider: 'local', id: 'qwen2.5-coder' }, gpt: { provider: 'oa', id: 'gpt-4.1-mini' } },
  routes: { chat: ['qwen', 'gpt'] },
});

/** A router whose breaker is open for `open`, and which records the tools each call was offered. */
function recordingRouter(open: string[]) {
  const offered: (string[] | undefined)[] = [];
  const answer: RouterResult = { traceId: 't', status: 'ok', text: 'ok', toolCalls: [], attempts: [], usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0, latencyMs: 1, model: 'gpt' };
  const router = {
    resolve: (task: string, pinned?: string) =>
      resolveRoute({ config, task, pinned, factsFor: () => undefined, breaker: { state: (m) => (open.includes(m) ? 'open' : 'closed'), remainingCooldownMs: () => 30_000 } }),
    stream: (req: RouteRequest) => {
      offered.push(req.request.tools?.map((t) => t.name));
      return { result: Promise.resolve(answer), async *[Symbol.asyncIterator]() { yield { type: 'text', text: 'ok' } as const; } };
    },
  } as unknown as Router;
  return { router, offered };
}

async function runTurn(router: Router): Promise<void> {
  const services = { core: { config, router, tracer: undefined }, logger: silentLogger } as unknown as HostServices;
  const runner = createChatTurnRunner(services, { approve: async () => true });
  const stream = runner({ messages: [{ role: 'user', content: 'hi' }], signal: new AbortController().signal, attributes: {}, onToolCall: () => {} });
  for await (const _ of stream) void _;
  assert.equal((await stream.result).status, 'ok');
}

describe('host: the chat turn picks its tools by the model that will answer', () => {
  before(() => {
    workspace.workspaceFolders = [{ uri: Uri.file(tmpdir()), name: 'tmp' }];
  });
  after(() => {
    workspace.workspaceFolders = undefined;
  });

  it('offers no workspace tools when the route head cannot call tools', async () => {
    const { router, offered } = recordingRouter([]);
    await runTurn(router);
    assert.deepEqual(offered, [undefined]);
  });

  it('offers them when the head is cooling down and the fallback that answers can call tools', async () => {
    const { router, offered } = recordingRouter(['qwen']);
    await runTurn(router);
    assert.ok(offered[0]?.includes('workspace_read_file'), `offered: ${JSON.stringify(offered)}`);
  });
});

describe('host: the status bar names the configured chat head', () => {
  const core = (router: Router) =>
    ({ config, router, budget: { state: () => ({ level: 'ok', dailySpentUsd: 0, monthlySpentUsd: 0 }) }, ledger: {} }) as unknown as AppServices;

  it('even while its breaker is open (the fallback that answers shows on the answer)', () => {
    const view = statusView(core(recordingRouter(['qwen']).router), undefined);
    assert.match(view.text, /^\$\(sparkle\) qwen · /);
    assert.match(view.tooltip, /chat: qwen \(route head\)/);
  });
});
