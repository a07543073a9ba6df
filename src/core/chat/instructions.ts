/**
 * Workspace instruction files (AGENTS.md, .github/copilot-instructions.md, .continue/rules/*.md,
 * .clinerules as a file or a folder): found in the workspace root, size-capped, and appended to the
 * chat's system prompt. Only files found here are ever read, whatever paths a chip names.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ResolvedContext } from './prompt';

/** Characters kept per file and in total: instructions must not crowd out the question. */
export const INSTRUCTIONS_FILE_CAP = 8_000;
const INSTRUCTIONS_TOTAL_CAP = 16_000;
const MAX_FILES = 20;

async function kind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : undefined;
  } catch {
    return undefined;
  }
}

async function filesIn(dir: string, only?: RegExp): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && (!only || only.test(e.name))).map((e) => join(dir, e.name)).sort();
  } catch {
    return [];
  }
}

/** Workspace-relative paths (with "/") of the instruction files present, in a stable order. */
export async function findInstructionFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const f of ['AGENTS.md', join('.github', 'copilot-instructions.md')]) if ((await kind(join(root, f))) === 'file') found.push(join(root, f));
  found.push(...(await filesIn(join(root, '.continue', 'rules'), /\.md$/i)));
  const cline = join(root, '.clinerules');
  const clineKind = await kind(cline);
  if (clineKind === 'file') found.push(cline);
  else if (clineKind === 'dir') found.push(...(await filesIn(cline, /\.(md|txt)$/i)));
  return found.slice(0, MAX_FILES).map((p) => relative(root, p).split(sep).join('/'));
}

/** Reads the named instruction files that exist in `root`, capped per file and in total. */
export async function readInstructionFiles(root: string, paths: string[]): Promise<ResolvedContext[]> {
  const allowed = new Set(await findInstructionFiles(root));
  const out: ResolvedContext[] = [];
  let used = 0;
  for (const p of paths) {
    if (!allowed.has(p) || used >= INSTRUCTIONS_TOTAL_CAP) continue;
    let text = (await readFile(join(root, ...p.split('/')), 'utf8')).trim();
    const cap = Math.min(INSTRUCTIONS_FILE_CAP, INSTRUCTIONS_TOTAL_CAP - used);
    if (text.length > cap) text = `${text.slice(0, cap)}\n[… ${text.length - cap} more characters of ${p} left out]`;
    used += text.length;
    if (text) out.push({ kind: 'instructions', title: p, content: text });
  }
  return out;
}

/** The system prompt with the workspace's instructions after Switchyard's own. */
export function withInstructions(systemPrompt: string, instructions: ResolvedContext[]): string {
  if (instructions.length === 0) return systemPrompt;
  const blocks = instructions.map((i) => `<instructions source="${i.title.replace(/"/g, "'")}">\n${i.content}\n</instructions>`);
  return `${systemPrompt}\n\nThe workspace's own instructions for assistants follow; apply them to every answer.\n\n${blocks.join('\n\n')}`;
}
