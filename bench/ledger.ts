/**
 * Ledger scale: generated ledgers of 10k / 100k / 1M records in the project's record format
 * (a mix of completion calls, completion outcome records, chat and embedding calls over 180 days),
 * then, per size:
 * - budget load CPU: what the first router call or the status bar waits for (core build +
 *   budget.ready()), with the totals index present (warm) and missing (cold: rebuilt from the file);
 * - `switchyard cost --by model` (the built CLI, its own process) vs a readline + JSON.parse
 *   aggregator (bench/ledgerAggregator.cjs) over the same file: wall-time ratio and peak RSS, with
 *   the totals index missing (cold: the CLI streams the whole file and writes the index) and present;
 * - `switchyard cost --csv > /dev/null`: wall time and peak RSS;
 * - `switchyard models`: wall time with this ledger vs an empty data dir.
 * Each process is measured by GNU time (wall, user+sys CPU, max RSS). One run per figure.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCoreServices, LEDGER_FILE, TRACES_FILE } from '../src/core/app';
import { parseConfig } from '../src/core/config/schema';
import type { LedgerRecord } from '../src/core/cost/types';
import { totalsIndexPath } from '../src/core/cost/totalsIndex';
import { silentLogger } from '../src/core/logger';
import { activateFake } from '../test/support/fakeHost';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { rng } from './stats';

setFlagsFromString('--expose-gc');
/** Collects garbage left by generating the ledger, so it is not billed to the figure measured next. */
const collect = runInNewContext('gc') as () => void;

const root = resolve(__dirname, '..');
const CLI = join(root, 'dist', 'cli.js');
const AGGREGATOR = join(__dirname, 'ledgerAggregator.cjs');
const DAY_MS = 86_400_000;

const CONFIG = {
  providers: { anthropic: { kind: 'anthropic' }, openai: { kind: 'openai' }, ollama: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' } },
  models: { sonnet: { provider: 'anthropic', id: 'claude-sonnet-4-5' }, mini: { provider: 'openai', id: 'gpt-4.1-mini' }, qwen: { provider: 'ollama', id: 'qwen2.5-coder:1.5b' }, embed: { provider: 'openai', id: 'text-embedding-3-small' } },
  routes: { chat: ['sonnet', 'mini'], completion: ['qwen'], embedding: ['embed'] },
};

function makeRecord(i: number, timeMs: number, rand: () => number): LedgerRecord {
  const roll = rand();
  const traceId = i.toString(16).padStart(32, '0');
  const time = new Date(timeMs).toISOString();
  const attempt = (model: string, modelId: string, provider: string, latencyMs: number) => ({ model, modelId, provider, status: 'ok' as const, latencyMs, ttftMs: Math.round(latencyMs / 3) });
  if (roll < 0.15) {
    const outcome = rand() < 0.3 ? 'accepted' : rand() < 0.5 ? 'rejected' : 'shown';
    return { v: 1, traceId, time, feature: 'completion', task: 'completion', workspace: '/home/dev/app', route: [], model: 'qwen', modelId: 'qwen2.5-coder:1.5b', provider: 'ollama', attempts: [], usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0, status: 'ok', latencyMs: 0, outcome };
  }
  if (roll < 0.75) {
    const latency = 80 + Math.round(rand() * 300);
    return { v: 1, traceId, time, feature: 'completion', task: 'completion', workspace: '/home/dev/app', route: ['qwen'], model: 'qwen', modelId: 'qwen2.5-coder:1.5b', provider: 'ollama', attempts: [attempt('qwen', 'qwen2.5-coder:1.5b', 'ollama', latency)], usage: { inputTokens: 400 + Math.round(rand() * 1200), outputTokens: Math.round(rand() * 60), cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0, cacheSavingsUsd: 0, status: rand() < 0.2 ? 'cancelled' : 'ok', latencyMs: latency, ttftMs: Math.round(latency / 3), outcome: rand() < 0.2 ? 'cancelled' : undefined } as LedgerRecord;
  }
  if (roll < 0.95) {
    const anthropic = rand() < 0.6;
    const [model, modelId, provider] = anthropic ? ['sonnet', 'claude-sonnet-4-5', 'anthropic'] : ['mini', 'gpt-4.1-mini', 'openai'];
    const input = 1000 + Math.round(rand() * 20_000);
    const output = 50 + Math.round(rand() * 1500);
    const cacheRead = Math.round(input * rand() * 0.8);
    const latency = 800 + Math.round(rand() * 8000);
    return { v: 1, traceId, time, feature: 'chat', task: 'chat', workspace: '/home/dev/app', route: ['sonnet', 'mini'], model, modelId, provider, attempts: [attempt(model, modelId, provider, latency)], usage: { inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: 0 }, costUsd: Number(((input * 3 + output * 15) / 1e6).toFixed(9)), cacheSavingsUsd: Number(((cacheRead * 2.7) / 1e6).toFixed(9)), status: rand() < 0.02 ? 'error' : 'ok', latencyMs: latency, ttftMs: Math.round(latency / 4) };
  }
  const input = 200 + Math.round(rand() * 5000);
  return { v: 1, traceId, time, feature: 'rag', task: 'embedding', workspace: '/home/dev/app', route: ['embed'], model: 'embed', modelId: 'text-embedding-3-small', provider: 'openai', attempts: [attempt('embed', 'text-embedding-3-small', 'openai', 120)], usage: { inputTokens: input, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: Number(((input * 0.02) / 1e6).toFixed(9)), status: 'ok', latencyMs: 120 };
}

export async function generateLedger(file: string, count: number): Promise<void> {
  const rand = rng(count);
  const end = Date.now();
  const start = end - 180 * DAY_MS;
  const out = createWriteStream(file);
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += `${JSON.stringify(makeRecord(i, start + Math.floor(((end - start) * i) / count), rand))}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((r) => out.on('finish', () => r()));
}

interface Measured {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
}

/** Runs a command under GNU time; stdout is discarded (it may be the whole CSV). */
function measure(args: string[], env: Record<string, string>): Measured {
  const res = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const stderr = res.stderr.toString();
  if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status}: ${stderr.slice(-500)}`);
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  if (!m) throw new Error(`no GNU time output for ${args.join(' ')}: ${stderr.slice(-300)}`);
  return { wallMs: Math.round(Number(m[1]) * 1000), cpuMs: Math.round((Number(m[2]) + Number(m[3])) * 1000), maxRssMb: Math.round(Number(m[4]) / 1024) };
}

const median = (runs: Measured[]): Measured => {
  const pick = (key: keyof Measured) => [...runs].map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  return { wallMs: pick('wallMs'), cpuMs: pick('cpuMs'), maxRssMb: pick('maxRssMb') };
};
const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
const ratios = (m: Measured, ref: Measured) => ({ wallRatioToAggregator: ratio(m.wallMs, ref.wallMs), cpuRatioToAggregator: ratio(m.cpuMs, ref.cpuMs) });

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return Math.round((d.user + d.system) / 100) / 10;
};

/** A full trace store: `count` traces of about `bytes` each (the default bound is 500 traces / 20 MB). */
export function generateTraces(file: string, count = 500, bytes = 40_000): void {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const traceId = i.toString(16).padStart(32, '0');
    const startMs = Date.now() - (count - i) * 60_000;
    lines.push(JSON.stringify({ traceId, name: 'chat', startMs, endMs: startMs + 900, spans: [{ traceId, spanId: i.toString(16).padStart(16, '0'), name: 'chat', startMs, endMs: startMs + 900, status: 'ok', attributes: { 'switchyard.status': 'ok', 'gen_ai.prompt': 'x'.repeat(bytes) }, events: [] }] }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** The extension's activate() (fake VS Code host) over this data dir: its CPU, then the background work until the budget is read. */
async function activationCpu(dataDir: string): Promise<{ activateCpuMs: number; untilBudgetReadyCpuMs: number }> {
  collect();
  const before = process.cpuUsage();
  const { api, context } = await activateFake(dataDir, CONFIG);
  const activateCpuMs = cpuMs(before);
  await api.services.core.budget.ready();
  const untilBudgetReadyCpuMs = cpuMs(before);
  for (const d of context.subscriptions) (d as { dispose(): unknown }).dispose();
  await api.services.core.dispose();
  return { activateCpuMs, untilBudgetReadyCpuMs };
}

/** CPU of building the core and loading the budget (what the first call and the status bar wait on). */
async function budgetLoadCpu(dataDir: string): Promise<{ cpuMs: number; wallMs: number; monthlySpentUsd: number }> {
  collect();
  const started = Date.now();
  const before = process.cpuUsage();
  const core = await createCoreServices({ config: parseConfig(CONFIG), secrets: { apiKey: async () => undefined }, dataDir, logger: silentLogger });
  const buildCpuMs = cpuMs(before);
  await core.budget.ready();
  const result = { cpuMs: cpuMs(before), wallMs: Date.now() - started, buildCpuMs, monthlySpentUsd: core.budget.state().monthlySpentUsd };
  await core.dispose();
  return result;
}

export async function benchLedger(sizes = [10_000, 100_000, 1_000_000]): Promise<Record<string, unknown>> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run bench builds it first (node esbuild.mjs).`);
  const base = mkdtempSync(join(tmpdir(), 'switchyard-bench-ledger-'));
  try {
    const configFile = join(base, 'config.json');
    writeFileSync(configFile, JSON.stringify(CONFIG));
    const emptyDir = join(base, 'empty');
    mkdirSync(emptyDir);
    await budgetLoadCpu(emptyDir); // warm-up: module loading is not part of the figure
    await activationCpu(emptyDir);
    const node = process.execPath;
    const out: Record<string, unknown> = {};
    for (const size of sizes) {
      const dataDir = join(base, `n${size}`);
      mkdirSync(dataDir);
      const file = join(dataDir, LEDGER_FILE);
      await generateLedger(file, size);
      generateTraces(join(dataDir, TRACES_FILE));
      const env = { SWITCHYARD_DATA_DIR: dataDir };
      const aggregator = measure([node, AGGREGATOR, file], {});
      rmSync(totalsIndexPath(file), { force: true });
      const costCold = measure([node, CLI, 'cost', '--by', 'model', '--config', configFile], env);
      const costWarm = measure([node, CLI, 'cost', '--by', 'model', '--config', configFile], env);
      const csv = measure([node, CLI, 'cost', '--csv', '--config', configFile], env);
      // Startup dominates `models`: the median of 5 runs each, alternating.
      const modelsRuns: Measured[] = [];
      const emptyRuns: Measured[] = [];
      for (let i = 0; i < 5; i++) {
        emptyRuns.push(measure([node, CLI, 'models', '--config', configFile], { SWITCHYARD_DATA_DIR: emptyDir }));
        modelsRuns.push(measure([node, CLI, 'models', '--config', configFile], env));
      }
      const modelsEmpty = median(emptyRuns);
      const models = median(modelsRuns);
      const budgetWarm = await budgetLoadCpu(dataDir);
      const activationWarm = await activationCpu(dataDir);
      rmSync(totalsIndexPath(file), { force: true });
      const activationCold = await activationCpu(dataDir);
      rmSync(totalsIndexPath(file), { force: true });
      const budgetCold = await budgetLoadCpu(dataDir);
      out[String(size)] = {
        ledgerMb: Math.round(statSync(file).size / 1e5) / 10,
        activation: { indexPresent: activationWarm, indexMissing: activationCold },
        budgetLoad: { indexPresent: budgetWarm, indexMissing: budgetCold },
        aggregator,
        costByModel: {
          indexMissing: { ...costCold, ...ratios(costCold, aggregator) },
          indexPresent: { ...costWarm, ...ratios(costWarm, aggregator) },
        },
        costCsv: csv,
        models: { ...models, empty: modelsEmpty, wallRatioToEmpty: ratio(models.wallMs, modelsEmpty.wallMs), cpuRatioToEmpty: ratio(models.cpuMs, modelsEmpty.cpuMs) },
      };
      rmSync(dataDir, { recursive: true, force: true });
    }
    return {
      method: 'one run per figure (models: median of 5); child processes measured by GNU time (wall, user+sys CPU, max RSS); activation (extension activate() on a fake VS Code host, with a full 20 MB trace store) and budget load measured in-process with process.cpuUsage after a warm-up and a GC; wall times on a shared 2-core machine are noisy, CPU ratios less so',
      sizes: out,
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
