/**
 * The next-turn estimate prices a configured model the way the router bills it: a local copy of a
 * hosted model id (here Claude's id on a loopback server) costs $0 and says it is local, while the
 * hosted model keeps its catalog price.
 */
import assert from 'node:assert/strict';
import { ConversationHistory } from '../../src/core/chat/history';
import { ChatService, type ChatCore } from '../../src/core/chat/service';
import { parseConfig } from '../../src/core/config/schema';
import { PriceCatalog } from '../../src/core/cost/catalog';
import { silentLogger } from '../../src/core/logger';
import { TokenCounter } from '../../src/core/models/tokens';
import { resolveRoute } from '../../src/core/router/resolve';

describe('chat: next-turn estimate for a local model', () => {
  const config = parseConfig({
    providers: { an: { kind: 'anthropic' }, box: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' } },
    models: { hosted: { provider: 'an', id: 'claude-sonnet-4-5' }, copy: { provider: 'box', id: 'claude-sonnet-4-5' } },
    routes: { chat: ['hosted'] },
  });
  const catalog = new PriceCatalog();
  const router = { resolve: (task: string, pinned?: string) => resolveRoute({ config, task, pinned, factsFor: (id) => catalog.lookup(id) }) };
  const core = { config, router, clock: { now: () => Date.now() }, tokens: new TokenCounter(), catalog } as unknown as ChatCore;
  const store = new Map<string, unknown>();
  const chat = new ChatService({ history: new ConversationHistory({ get: (k) => store.get(k), update: async (k, v) => void store.set(k, v) }, silentLogger), core: () => core, logger: silentLogger });

  it('is $0 and local for the copy on a loopback server, the catalog price for the hosted model', async () => {
    const text = 'Explain this function in detail, please.';
    const local = await chat.estimate({ text, chips: [], model: 'copy' });
    assert.equal(local?.costUsd, 0);
    assert.equal(local?.local, true);
    const hosted = await chat.estimate({ text, chips: [], model: 'hosted' });
    assert.ok((hosted?.costUsd ?? 0) > 0, `hosted: ${hosted?.costUsd}`);
    assert.equal(hosted?.local, undefined);
  });
});
