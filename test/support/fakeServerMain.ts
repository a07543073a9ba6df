/**
 * Runs the fake wire server (./fakeServer.ts) as its own process, for end-to-end tests and the demo.
 *
 *   npx tsx test/support/fakeServerMain.ts [--port N] [--script FILE.json]
 *
 * Prints one JSON line on stdout once listening:
 *   {"port":N,"url":"http://127.0.0.1:N","openaiBaseUrl":"http://127.0.0.1:N/v1","anthropicBaseUrl":"http://127.0.0.1:N"}
 * and stays up until SIGTERM / SIGINT. The script file (all keys optional):
 *   { "embeddingDim": 8, "apiKey": "k", "models": ["id", …], "ollama": { "id": ["completion", …] },
 *     "scripts":  { "model-id": [step, …] },   // queues, consumed in order (see fakeServer.ts for steps)
 *     "defaults": { "model-id" | "*": step } }  // replies once a queue is empty
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startFakeServer, type FakeStep } from './fakeServer';

const stepSchema = z.object({ type: z.string() }).passthrough();
const scriptFileSchema = z.object({
  embeddingDim: z.number().int().positive().optional(),
  apiKey: z.string().optional(),
  models: z.array(z.string()).optional(),
  ollama: z.record(z.string(), z.array(z.string())).optional(),
  scripts: z.record(z.string(), z.array(stepSchema)).optional(),
  defaults: z.record(z.string(), stepSchema).optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, script: { type: 'string' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535 (0 = a free port), got "${values.port}"`);
  let file: z.infer<typeof scriptFileSchema> = {};
  if (values.script) {
    const parsed = scriptFileSchema.safeParse(JSON.parse(readFileSync(values.script, 'utf8')));
    if (!parsed.success) throw new Error(`Invalid script file ${values.script}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    file = parsed.data;
  }
  const fake = await startFakeServer({ port, embeddingDim: file.embeddingDim, apiKey: file.apiKey, models: file.models, ollama: file.ollama });
  for (const [model, steps] of Object.entries(file.scripts ?? {})) fake.script(model, steps as unknown as FakeStep[]);
  for (const [model, step] of Object.entries(file.defaults ?? {})) fake.setDefault(model, step as unknown as FakeStep);
  process.stdout.write(`${JSON.stringify({ port: fake.port, url: fake.url, openaiBaseUrl: fake.openaiBaseUrl, anthropicBaseUrl: fake.anthropicBaseUrl })}\n`);
  const stop = () => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
