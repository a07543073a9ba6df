/**
 * Inline-completion figures over the whole stack (engine → router → openai SDK → local fake
 * server): engine overhead per completion with model time excluded, cache-hit latency, and a
 * typing simulation of a real file (debounce + reuse) that counts model requests per 100
 * keystrokes and the fraction of requests aborted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCoreServices, type AppServices } from '../src/core/app';
import { CompletionEngine } from '../src/core/completion/engine';
import type { ContextFile } from '../src/core/completion/types';
import { parseConfig } from '../src/core/config/schema';
import { silentLogger } from '../src/core/logger';
import { startFakeServer, type FakeServer, type RecordedRequest } from '../test/support/fakeServer';
import { startServerProcess } from './serverProcess';
import { rng, summarize } from './stats';

const MODEL_ID = 'qwen2.5-coder:1.5b-base';
const root = resolve(__dirname, '..');
const FILE = 'src/core/completion/cache/cache.ts';
const CONTEXT_FILES = ['src/core/completion/engine.ts', 'src/core/completion/types.ts', 'src/core/completion/debounce/debouncer.ts'];

function prefixOf(req: RecordedRequest): string {
  const prompt = String(req.body?.prompt ?? '');
  const start = prompt.indexOf('<|fim_prefix|>');
  const end = prompt.indexOf('<|fim_suffix|>');
  return start === -1 || end === -1 ? '' : prompt.slice(start + '<|fim_prefix|>'.length, end);
}

async function core(openaiBaseUrl: string, dataDir: string, debounceMs: number): Promise<AppServices> {
  const config = parseConfig({
    providers: { local: { kind: 'openai-compatible', baseUrl: openaiBaseUrl } },
    models: { coder: { provider: 'local', id: MODEL_ID } },
    routes: { completion: ['coder'] },
    router: { maxRetries: 0, breakerFailureThreshold: 100_000 },
    completion: { debounceMs },
  });
  return createCoreServices({ config, secrets: { apiKey: async () => undefined }, dataDir, logger: silentLogger });
}

/**
 * Engine time per completion (model and debounce excluded) and cache-hit latency, sequential
 * requests. The model server runs in its own process: its parsing and garbage are not the engine's.
 */
async function overhead(dataDir: string, text: string, others: ContextFile[], iterations: number) {
  const server = await startServerProcess(dataDir, { defaults: { [MODEL_ID]: { type: 'text', chunks: ['value', '.length;'] } } });
  const app = await core(server.openaiBaseUrl, dataDir, 0);
  const engine = new CompletionEngine({ router: app.router, config: app.config, logger: silentLogger, ledger: app.ledger, tracer: app.tracer });
  const random = rng(7);
  const engineMs: number[] = [];
  const modelMs: number[] = [];
  const exactHitMs: number[] = [];
  const typedThroughHitMs: number[] = [];
  try {
    for (let i = 0; i < iterations; i++) {
      const offset = Math.floor(random() * text.length);
      const doc = { filepath: join(root, FILE), languageId: 'typescript', text, offset };
      const r = await engine.complete({ document: doc, trigger: 'manual', openFiles: others });
      if (r.status !== 'ok') continue;
      engineMs.push(r.engineMs);
      modelMs.push(r.modelMs);
      const hit = await engine.complete({ document: doc, trigger: 'manual', openFiles: others });
      if (hit.cacheHit) exactHitMs.push(hit.latencyMs);
      const typed = { ...doc, text: text.slice(0, offset) + r.text[0] + text.slice(offset), offset: offset + 1 };
      const through = await engine.complete({ document: typed, trigger: 'manual', openFiles: others });
      if (through.cacheHit) typedThroughHitMs.push(through.latencyMs);
    }
    await engine.flush();
  } finally {
    engine.dispose();
    await app.dispose();
    server.stop();
  }
  return { engineMs, modelMs, exactHitMs, typedThroughHitMs };
}

interface TypingOptions {
  keystrokes: number;
  debounceMs: number;
  /** Share of requests the fake model answers with the file's real continuation of the line. */
  accuracy: number;
  seed: number;
}

/**
 * Types the file character by character with human-like gaps (VS Code-style: every keystroke
 * cancels the previous request, notifies the document change, and asks again).
 */
async function typing(fake: FakeServer, dataDir: string, text: string, opts: TypingOptions) {
  const random = rng(opts.seed);
  fake.reset();
  fake.setDefault(MODEL_ID, (req) => {
    const prefix = prefixOf(req);
    const at = prefix ? text.indexOf(prefix) : -1;
    const pos = at === -1 ? -1 : at + prefix.length;
    const lineEnd = pos === -1 ? -1 : text.indexOf('\n', pos);
    const right = pos !== -1 && random() < opts.accuracy;
    const completion = right ? text.slice(pos, lineEnd === -1 ? text.length : lineEnd) : 'wrongGuess();';
    const chunks = completion.match(/.{1,4}/gs) ?? [''];
    return { type: 'text', chunks: [...chunks, '\n'], firstChunkDelayMs: 60, chunkDelayMs: 4 };
  });
  const app = await core(fake.openaiBaseUrl, dataDir, opts.debounceMs);
  const engine = new CompletionEngine({ router: app.router, config: app.config, logger: silentLogger, ledger: app.ledger, tracer: app.tracer, graceMs: 60 });
  const filepath = join(root, FILE);
  const pending: Promise<unknown>[] = [];
  let previous: AbortController | undefined;
  let shownAtKeystroke = 0;
  const n = Math.min(opts.keystrokes, text.length);
  try {
    for (let i = 1; i <= n; i++) {
      previous?.abort();
      const typed = text.slice(0, i);
      engine.documentChanged(filepath, typed, i);
      const controller = new AbortController();
      previous = controller;
      pending.push(
        engine.complete({ document: { filepath, languageId: 'typescript', text: typed, offset: i }, trigger: 'automatic', signal: controller.signal }).then((r) => {
          if (r.status === 'ok') shownAtKeystroke++;
        }),
      );
      // Typing rhythm: 40–140 ms between keys, a longer pause after a line.
      const gap = text[i - 1] === '\n' ? 250 + random() * 400 : 40 + random() * 100;
      await new Promise((r) => setTimeout(r, gap));
    }
    previous?.abort();
    await Promise.all(pending);
    await engine.flush();
    const stats = engine.stats().totals;
    return {
      keystrokes: n,
      modelRequests: stats.modelCalls,
      requestsPer100Keystrokes: Number(((stats.modelCalls / n) * 100).toFixed(1)),
      aborted: stats.aborted,
      abortedFraction: stats.modelCalls ? Number((stats.aborted / stats.modelCalls).toFixed(3)) : 0,
      servedFromCache: stats.cacheHits,
      servedFromInflight: stats.inflightReuses,
      endedInDebounce: stats.debounced,
      keystrokesWithSuggestion: shownAtKeystroke,
      serverRequests: fake.count({ endpoint: 'completions' }),
    };
  } finally {
    engine.dispose();
    await app.dispose();
  }
}

export async function benchCompletion(): Promise<Record<string, unknown>> {
  const fake = await startFakeServer();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-completion-'));
  try {
    const text = readFileSync(join(root, FILE), 'utf8');
    const others = CONTEXT_FILES.map((f) => ({ filepath: f, text: readFileSync(join(root, f), 'utf8') }));
    const o = await overhead(mkdtempSync(join(dir, 'a-')), text, others, 500);
    const base = { keystrokes: 300, accuracy: 0.6, seed: 42 };
    const adaptive = await typing(fake, mkdtempSync(join(dir, 'b-')), text, { ...base, debounceMs: 120 });
    const noDebounce = await typing(fake, mkdtempSync(join(dir, 'c-')), text, { ...base, debounceMs: 0 });
    const wrongModel = await typing(fake, mkdtempSync(join(dir, 'd-')), text, { ...base, debounceMs: 120, accuracy: 0 });
    return {
      file: FILE,
      engineOverheadMs: { ...summarize(o.engineMs, 3), note: 'complete() wall time minus the wait for the model call (context, prompt, postprocess, cache); 3 open files as context; 500 sequential manual requests at random offsets; model server in its own process' },
      modelCallMs: { ...summarize(o.modelMs, 2), note: 'router + openai SDK + fake server in another process, for scale' },
      cacheHitMs: { exact: summarize(o.exactHitMs, 3), typedThrough: summarize(o.typedThroughHitMs, 3) },
      typing: {
        note: 'keystrokes of a real file at 40–140 ms gaps (250–650 ms after a newline); fake model TTFT 60 ms, right about the rest of the line 60% of the time; each keystroke cancels the previous request like VS Code does',
        debounce120msAdaptive: adaptive,
        debounce0ms: noDebounce,
        debounce120msModelAlwaysWrong: wrongModel,
      },
    };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchCompletion().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
