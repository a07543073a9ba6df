/**
 * Class G of issue 13: the generation stage settles a stream before it ends only on complete lines,
 * so the shown text cannot depend on where the network splits the answer into chunks. One answer is
 * replayed at every possible two-chunk split, and one character at a time, through the real engine
 * and router; each replay must show exactly what the whole answer shows.
 */
import assert from 'node:assert/strict';
import { contextFromParts } from '../../src/core/completion/context/assemble';
import { CompletionEngine } from '../../src/core/completion/engine';
import { settleText } from '../../src/core/completion/generation/generation';
import { postprocess } from '../../src/core/completion/postprocessing';
import { buildPrompt, promptModeFor } from '../../src/core/completion/templating/templates';
import { parseConfig } from '../../src/core/config/schema';
import { silentLogger } from '../../src/core/logger';
import type { ModelAdapter, ModelEvent } from '../../src/core/models/types';
import { createRouter } from '../../src/core/router/router';
import { MemoryTraceStore } from '../../src/core/trace/store';
import { createTracer } from '../../src/core/trace/tracer';
import { MemoryLedger } from '../support/memoryLedger';

const MODELS = { coder: 'qwen2.5-coder:1.5b-base', chatty: 'gpt-4.1-mini' } as const;

/** An engine whose model streams `chunks` of the current answer, whatever the prompt. */
function engineStreaming(model: keyof typeof MODELS, next: () => string[]): CompletionEngine {
  const config = parseConfig({
    providers: { local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } },
    models: { coder: { provider: 'local', id: MODELS.coder }, chatty: { provider: 'local', id: MODELS.chatty } },
    routes: { completion: [model] },
    completion: { debounceMs: 0 },
  });
  const adapter: ModelAdapter = {
    providerName: 'local',
    kind: 'openai-compatible',
    async *stream(): AsyncIterable<ModelEvent> {
      for (const text of next()) yield { type: 'text', text };
      yield { type: 'usage', usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 } };
      yield { type: 'finish', reason: 'stop' };
    },
    async embed() {
      throw new Error('not used');
    },
  };
  const router = createRouter({
    config,
    adapterFor: async () => adapter,
    catalog: { lookup: () => undefined, priceFor: () => undefined },
    ledger: new MemoryLedger(),
    tracer: createTracer({ store: new MemoryTraceStore({ maxTraces: 10, maxBytes: 100_000 }) }),
    budget: { state: () => ({ level: 'ok', onExceed: 'warn' }), add() {} },
    logger: silentLogger,
  });
  return new CompletionEngine({ router, config, logger: silentLogger, graceMs: 0, cacheSize: 1 });
}

interface Replay {
  name: string;
  model: keyof typeof MODELS;
  language: string;
  document: string;
  raw: string;
}

const REPLAYS: Replay[] = [
  {
    name: 'a block body that the stream runs past (block end, then more code)',
    model: 'coder',
    language: 'typescript',
    document: 'function greet(name: string) {\n  |\n}\n',
    raw: 'const hello = `Hello, ${name}`;\n  console.log(hello);\n  return hello;\n}\n\nfunction farewell() {\n  return "bye";\n}\n',
  },
  {
    name: 'a chat reply that echoes the lines before the cursor, then a partial identifier',
    model: 'chatty',
    language: 'python',
    document: 'def main():\n    print("hi")\n    |\n',
    raw: '<fill>def main():\n    print("hi")\n    hello_world()\n    helper()</fill>',
  },
  {
    name: 'a fenced answer in the middle of a line',
    model: 'chatty',
    language: 'go',
    document: 'func f() {\n\tn := len(|)\n}\n',
    raw: '<fill>```go\nitems\n```\nThat is the length.</fill>',
  },
  {
    name: 'an answer starting on the next line, with a repeated line loop',
    model: 'coder',
    language: 'javascript',
    document: 'function tick() {|\n}\n',
    raw: '\n  count++;\n  count++;\n  count++;\n  count++;\n}\n<|endoftext|>',
  },
];

function split(doc: string): { text: string; offset: number } {
  return { text: doc.replace('|', ''), offset: doc.indexOf('|') };
}

describe('completion generation: chunk-split replay', () => {
  for (const replay of REPLAYS) {
    it(`shows the same text at every chunk split: ${replay.name}`, async () => {
      const { text, offset } = split(replay.document);
      let chunks: string[] = [];
      const engine = engineStreaming(replay.model, () => chunks);
      const ask = async (parts: string[]) => {
        chunks = parts;
        // A different file each time: no cache hit or in-flight reuse across replays.
        const r = await engine.complete({ document: { filepath: `/w/${Math.random()}.x`, languageId: replay.language, text, offset }, trigger: 'manual' });
        return { text: r.text, replaceLength: r.replaceLength, status: r.status, ...(r.error ? { error: r.error.message } : {}) };
      };
      const whole = await ask([replay.raw]);
      assert.equal(whole.status, 'ok', `the whole answer shows something: ${JSON.stringify(whole)}`);
      const splits = [...Array(replay.raw.length - 1).keys()].map((i) => [replay.raw.slice(0, i + 1), replay.raw.slice(i + 1)]);
      splits.push([...replay.raw]);
      for (const parts of splits) {
        const got = await ask(parts);
        assert.deepEqual(got, whole, `chunks ${JSON.stringify(parts.length > 2 ? 'one character each' : parts)}`);
      }
      await engine.flush();
    });
  }

  it('does not settle on a partial line, nor while complete lines could still be an echo of the prefix', () => {
    const ctx = contextFromParts({ prefix: 'def main():\n    print("hi")\n    ', suffix: '\n', languageId: 'python' });
    const prompt = buildPrompt(ctx, promptModeFor({ id: MODELS.chatty, nativeFim: false }));
    assert.equal(settleText('<fill>hello', prompt, ctx), undefined, 'no complete line yet');
    assert.equal(settleText('<fill>def main():\n    print("hi")\n', prompt, ctx), undefined, 'still an echo of the prefix');
    assert.equal(settleText('<fill>def main():\n    print("hi")\n    hello_world()\nfoo()\nbar()\n', prompt, ctx), '<fill>def main():\n    print("hi")\n    hello_world()\nfoo()\nbar()');
    const settled = settleText('<fill>def main():\n    print("hi")\n    hello_world()\nfoo()\nbar()\n', prompt, ctx) ?? '';
    assert.equal(postprocess(settled, { ctx, stop: prompt.stop, promptKind: 'chat' }).text, 'hello_world()\nfoo()');
  });
});
