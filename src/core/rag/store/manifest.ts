/** Which files' vectors are stored (content hash + chunk count), so interrupted runs resume without re-embedding. */
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from './atomicFile';

const manifestSchema = z.object({
  format: z.literal(1),
  model: z.string(),
  collection: z.string(),
  files: z.record(z.string(), z.object({ hash: z.string(), chunks: z.number().int().nonnegative() })),
});
export type VectorManifest = z.infer<typeof manifestSchema>;

export function emptyManifest(model: string, collection: string): VectorManifest {
  return { format: 1, model, collection, files: {} };
}

/** Reads the manifest; `problem` says why it was discarded (missing files are not a problem). */
export async function loadManifest(file: string, model: string, collection: string): Promise<{ manifest: VectorManifest; problem?: string }> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch {
    return { manifest: emptyManifest(model, collection) };
  }
  try {
    const parsed = manifestSchema.parse(JSON.parse(raw));
    if (parsed.model !== model || parsed.collection !== collection) return { manifest: emptyManifest(model, collection), problem: 'it belongs to another embedding model' };
    return { manifest: parsed };
  } catch (err) {
    return { manifest: emptyManifest(model, collection), problem: `it is unreadable (${(err as Error).message.split('\n')[0]})` };
  }
}

export async function saveManifest(file: string, manifest: VectorManifest): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(manifest));
}
