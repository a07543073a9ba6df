/**
 * What inline completion shows, end to end through the CLI: each case of completion-cases.toml
 * (a document with a cursor, the model's raw answer, the text a user should see) runs as
 * `switchyard complete --json` against the fake wire server scripted with that raw answer. A case
 * passes when the cursor's line after accepting (`range` and `text` from the JSON, a pure insert
 * when the CLI gives no range) reads as the expected completion would make it.
 *
 *   node --import tsx test/eval/completionEval.ts [--cli dist/cli.js] [--model qwen2.5-coder:7b-base] [--verbose]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { parse } from 'smol-toml';
import { z } from 'zod';
import { startFakeServer } from '../support/fakeServer';

const run = promisify(execFile);
const CURSOR = '<CURSOR>';

const caseSchema = z.object({
  name: z.string(),
  class: z.string(),
  file: z.string(),
  document: z.string().includes(CURSOR),
  raw: z.string(),
  expected: z.string(),
  expected_replace: z.string().default(''),
});
type EvalCase = z.infer<typeof caseSchema>;

/** The document after accepting `text` at `offset`, replacing `replace` characters after it. */
function accept(doc: string, offset: number, text: string, replace: number): string {
  return doc.slice(0, offset) + text + doc.slice(offset + replace);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cli: { type: 'string', default: 'dist/cli.js' }, model: { type: 'string', default: 'qwen2.5-coder:7b-base' }, verbose: { type: 'boolean', default: false } } });
  const cases = z.object({ case: z.array(caseSchema) }).parse(parse(readFileSync(join(__dirname, 'completion-cases.toml'), 'utf8'))).case;
  const fake = await startFakeServer();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-complete-eval-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({
    providers: { local: { kind: 'openai-compatible', baseUrl: fake.openaiBaseUrl } },
    models: { coder: { provider: 'local', id: values.model } },
    routes: { completion: ['coder'] },
    completion: { debounceMs: 0 },
  }));
  const byClass = new Map<string, { pass: number; total: number }>();
  let pass = 0;
  try {
    for (const c of cases as EvalCase[]) {
      const at = c.document.indexOf(CURSOR);
      const doc = c.document.replace(CURSOR, '');
      const file = join(dir, c.file);
      writeFileSync(file, doc);
      fake.reset();
      fake.script(values.model, [{ type: 'text', text: c.raw }]);
      const { stdout } = await run(process.execPath, [resolve(values.cli!), 'complete', '--file', file, '--offset', String(at), '--json', '--config', config], { env: { ...process.env, SWITCHYARD_DATA_DIR: join(dir, 'data') } });
      const out = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { text?: string; range?: { start: number; end: number } };
      const replace = out.range ? out.range.end - out.range.start : 0;
      const got = accept(doc, at, out.text ?? '', replace);
      const want = accept(doc, at, c.expected, c.expected_replace.length);
      const ok = got === want;
      if (ok) pass++;
      const tally = byClass.get(c.class) ?? { pass: 0, total: 0 };
      tally.total++;
      if (ok) tally.pass++;
      byClass.set(c.class, tally);
      if (!ok && values.verbose) process.stderr.write(`FAIL [${c.class}] ${c.name}\n  shown:    ${JSON.stringify(out.text)} (replace ${replace})\n  expected: ${JSON.stringify(c.expected)} (replace ${c.expected_replace.length})\n`);
    }
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const classes = Object.fromEntries([...byClass].sort().map(([k, v]) => [k, `${v.pass}/${v.total}`]));
  process.stdout.write(`${JSON.stringify({ cli: values.cli, model: values.model, pass, total: cases.length, rate: Math.round((pass / cases.length) * 1000) / 10, classes }, null, 1)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
