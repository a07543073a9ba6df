/**
 * No local Chroma server outlives the process that started it, however that process ends (normal
 * disposal, EPIPE → process.exit, SIGINT, SIGTERM, an uncaught error, kill -9), and a second server
 * on the same data folder cannot start while an orphaned one runs. Real Chroma; process lists from /proc.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateRagAssets } from '../../src/core/rag/assets';
import { silentLogger } from '../../src/core/logger';
import { ChromaSupervisor } from '../../src/core/rag/store/chromaSupervisor';

/** Pids of processes whose command line names `dataDir` (the launcher is started with `--path DIR`). */
function processesOn(dataDir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(dataDir)) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

const binding = locateRagAssets().chromaBinding;
const linux = process.platform === 'linux';

describe('rag: the local Chroma server lives exactly as long as its owner', function () {
  this.timeout(120_000);
  let root: string;
  before(function () {
    if (!binding || !linux) this.skip();
    root = mkdtempSync(join(tmpdir(), 'sy-chroma-life-'));
  });
  after(() => root && rmSync(root, { recursive: true, force: true }));

  for (const mode of ['dispose', 'epipe', 'sigint', 'sigterm', 'uncaught', 'kill9'] as const) {
    it(`leaves no process on the data folder after the owner ends by ${mode}`, async () => {
      const dataDir = join(root, mode);
      const owner = spawn(process.execPath, ['-r', 'tsx/cjs', join(__dirname, '../support/chromaOwner.ts'), dataDir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      owner.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const launcher = await new Promise<number>((resolve, reject) => {
        let out = '';
        const onData = (b: Buffer) => {
          out += b.toString();
          const m = /READY (\d+)/.exec(out);
          if (m) {
            owner.stdout.off('data', onData);
            resolve(Number(m[1]));
          }
        };
        owner.stdout.on('data', onData);
        owner.once('exit', (code) => reject(new Error(`owner exited (${code}) before READY: ${stderr}`)));
      });
      if (mode !== 'dispose') assert.ok(processesOn(dataDir).includes(launcher), 'the launcher runs on the data folder');
      const exited = new Promise<void>((r) => (owner.exitCode !== null || owner.signalCode !== null ? r() : owner.once('exit', () => r())));
      if (mode === 'epipe') owner.stdout.destroy();
      if (mode === 'sigint') owner.kill('SIGINT');
      if (mode === 'sigterm') owner.kill('SIGTERM');
      if (mode === 'kill9') owner.kill('SIGKILL');
      await exited;
      const gone = await until(() => processesOn(dataDir).length === 0, 10_000);
      assert.ok(gone, `still running on ${dataDir} after the owner ended by ${mode}: ${processesOn(dataDir).join(', ')}`);
    });
  }

  it('stops an orphaned server (owner dead, lock left behind) before starting its own: never two on one folder', async () => {
    const dataDir = join(root, 'orphan');
    const first = new ChromaSupervisor({ bindingPath: binding!, dataDir, logger: silentLogger });
    const second = new ChromaSupervisor({ bindingPath: binding!, dataDir, logger: silentLogger });
    try {
      await first.start();
      const orphan = first.pid!;
      // Make the lock say its owner died (as after kill -9 of an owner whose server survived).
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      const lockFile = join(dataDir, 'switchyard-chroma.lock');
      const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as Record<string, unknown>;
      writeFileSync(lockFile, JSON.stringify({ ...lock, ownerPid: dead, ownerId: `${dead}:gone` }));
      await second.start();
      assert.equal(await until(() => !processesOn(dataDir).includes(orphan), 5000), true, 'the orphan still runs');
      assert.deepEqual(processesOn(dataDir), [second.pid], 'exactly one server on the folder');
    } finally {
      await second.stop();
      await first.stop();
    }
    assert.equal(existsSync(join(dataDir, 'switchyard-chroma.lock')), false);
  });
});
