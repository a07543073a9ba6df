/** The CLI's small defects of issue 11, each through `main`: big tables, strict numbers, notices said once. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { recordingIO } from '../support/cliIo';
import { table } from '../../src/cli/util';

const io = (cwd: string, env: NodeJS.ProcessEnv = {}) => recordingIO({ cwd, env });

const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, 'g'))?.length ?? 0;

describe('cli: small defects', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-small-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a table of 200,000 rows (e.g. `models` with 200k entries) does not overflow the stack', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`model-${i}`, 'x']);
    const text = table(['NAME', 'KIND'], rows);
    assert.ok(text.startsWith('NAME'));
    assert.equal(text.split('\n').length, 200_003);
  });

  it('--offset and --max-tokens take decimal integers only ("0x10" is refused)', async () => {
    const file = join(dir, 'a.ts');
    writeFileSync(file, 'const answer = 42;\n'.repeat(4));
    const a = io(dir);
    assert.equal(await main(['complete', '--file', file, '--offset', '0x10'], a), 2);
    assert.match(a.err(), /--offset must be an integer .* got "0x10"/);
    const b = io(dir);
    assert.equal(await main(['ask', '--max-tokens', '0x10', 'hi'], b), 2);
    assert.match(b.err(), /--max-tokens must be a positive integer, got "0x10"/);
  });

  it('the torn-ledger warning is printed once per run', async () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    const good = { v: 1, traceId: 't', time: new Date().toISOString(), feature: 'chat', task: 'chat', route: ['m'], attempts: [], usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.01, status: 'ok', latencyMs: 1 };
    writeFileSync(join(data, 'ledger.jsonl'), `${JSON.stringify(good)}\n{"v":1,"traceId":"torn","ti`);
    const c = io(dir, { SWITCHYARD_DATA_DIR: data });
    // --csv reads the records themselves (the report reads the per-day totals).
    assert.equal(await main(['cost', '--csv'], c), 0, c.err());
    assert.equal(count(c.err(), /torn or invalid line/), 1, c.err());
  });

  it('the "lexical-only" notice of `index` is printed once', async () => {
    const ws = join(dir, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'a.ts'), 'export function add(a: number, b: number) { return a + b; }\n');
    const c = io(dir, { SWITCHYARD_DATA_DIR: join(dir, 'data') });
    const code = await main(['index', '--dir', ws], c);
    assert.equal(code, 0, c.err());
    assert.equal(count(c.err(), /lexical-only/), 1, c.err());
  });
});
