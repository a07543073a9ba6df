/**
 * `npm run bench`: runs every benchmark and prints one JSON document (also written to
 * bench-results/latest.json). Timings are distributions from this one run on this machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchRouter } from './router';

type Bench = { name: string; run: () => Promise<Record<string, unknown>> };

async function optional(modulePath: string, exportName: string): Promise<(() => Promise<Record<string, unknown>>) | undefined> {
  try {
    const mod = (await import(modulePath)) as Record<string, unknown>;
    const fn = mod[exportName];
    return typeof fn === 'function' ? (fn as () => Promise<Record<string, unknown>>) : undefined;
  } catch (err) {
    if ((err as { code?: string }).code === 'MODULE_NOT_FOUND' || (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const benches: Bench[] = [{ name: 'router', run: () => benchRouter() }];
  const completion = await optional('./completion', 'benchCompletion');
  if (completion) benches.push({ name: 'completion', run: completion });
  const rag = await optional('./rag', 'benchRag');
  if (rag) benches.push({ name: 'rag', run: rag });
  const redaction = await optional('./redaction', 'benchRedaction');
  if (redaction) benches.push({ name: 'redaction', run: redaction });

  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
  };
  for (const bench of benches) {
    if (only.length && !only.includes(bench.name)) continue;
    process.stderr.write(`bench: ${bench.name}…\n`);
    try {
      results[bench.name] = await bench.run();
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

void main();
