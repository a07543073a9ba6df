/**
 * `npm run bench`: runs every benchmark and prints one JSON document (also written to
 * bench-results/latest.json). Timings are distributions from this one run on this machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

type Bench = { name: string; module: string; exportName: string };

/** Every section of the report. A section whose module or export is missing fails the run (no silent skip). */
const BENCHES: Bench[] = [
  { name: 'router', module: './router', exportName: 'benchRouter' },
  { name: 'routerCpu', module: './routerCpu', exportName: 'benchRouterCpu' },
  { name: 'ledger', module: './ledger', exportName: 'benchLedger' },
  { name: 'completion', module: './completion', exportName: 'benchCompletion' },
  { name: 'rag', module: './rag', exportName: 'benchRag' },
  { name: 'ragScale', module: './ragScale', exportName: 'benchRagScale' },
  { name: 'ragQuality', module: './ragQuality', exportName: 'benchRagQuality' },
];

async function load(bench: Bench): Promise<() => Promise<Record<string, unknown>>> {
  const mod = (await import(bench.module)) as Record<string, unknown>;
  const fn = mod[bench.exportName];
  if (typeof fn !== 'function') throw new Error(`bench ${bench.name}: ${bench.module} does not export ${bench.exportName}`);
  return fn as () => Promise<Record<string, unknown>>;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !BENCHES.some((b) => b.name === name));
  if (unknown.length) throw new Error(`unknown bench section(s): ${unknown.join(', ')} (sections: ${BENCHES.map((b) => b.name).join(', ')})`);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
  };
  for (const bench of BENCHES) {
    if (only.length && !only.includes(bench.name)) continue;
    process.stderr.write(`bench: ${bench.name}…\n`);
    try {
      // A missing module or dependency throws here and fails the run like any other error.
      results[bench.name] = await (await load(bench))();
    } catch (err) {
      results[bench.name] = { error: err instanceof Error ? err.message : String(err) };
      process.exitCode = 1;
    }
  }
  const json = JSON.stringify(results, null, 2);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/latest.json', json + '\n');
  process.stdout.write(json + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
