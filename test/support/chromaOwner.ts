/**
 * A process that owns a supervised local Chroma server and then ends the way it is told to, for the
 * lifetime test: `node -r tsx/cjs test/support/chromaOwner.ts DATA_DIR MODE`. Prints
 * "READY <launcher pid>" once the server answers. MODE: dispose | epipe | sigint | sigterm | uncaught | kill9
 * (signals are sent by the test; epipe: the test closes our stdout and we keep writing, as
 * `switchyard search --json | head -c0` does, and exit from the EPIPE handler like the CLI).
 */
import { locateRagAssets } from '../../src/core/rag/assets';
import { silentLogger } from '../../src/core/logger';
import { ChromaSupervisor } from '../../src/core/rag/store/chromaSupervisor';

async function main(): Promise<void> {
  const [dataDir, mode] = process.argv.slice(2);
  const binding = locateRagAssets().chromaBinding;
  if (!binding) throw new Error('no Chroma binding installed');
  const sup = new ChromaSupervisor({ bindingPath: binding, dataDir, logger: silentLogger });
  await sup.start();
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  process.stdout.write(`READY ${sup.pid}\n`);
  if (mode === 'dispose') {
    await sup.stop();
    return;
  }
  if (mode === 'uncaught') setTimeout(() => {
    throw new Error('boom (uncaught, on purpose)');
  }, 200);
  if (mode === 'epipe') setInterval(() => process.stdout.write('x'.repeat(65536)), 50);
  setInterval(() => undefined, 1000); // wait for the test's signal
}

void main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
});
