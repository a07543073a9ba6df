// Copies the RAG runtime assets into dist/rag-assets/ so the bundled extension and CLI find them
// beside dist/extension.js and dist/cli.js (src/core/rag/assets.ts looks there first):
//   web-tree-sitter.wasm                     tree-sitter's WASM runtime (web-tree-sitter 0.27)
//   tree-sitter-<grammar>.wasm               grammars from @vscode/tree-sitter-wasm (ABI 14/15)
//   chromadb-js-bindings-<platform>.node     Chroma's server (native; the one installed for this
//                                            platform — scripts/package-vsix.mjs swaps in each
//                                            target's own when it packages one VSIX per platform)
// Usage: `node scripts/copy-rag-assets.mjs` or `import { copyRagAssets } from './scripts/copy-rag-assets.mjs'`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostTarget } from './vsix-targets.mjs';

export const GRAMMARS = ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'cpp'];

function bindingPackage() {
  return hostTarget()?.binding;
}

// The published binding carries debug info (~437 MB on linux-x64); stripped it is ~46 MB and runs the same.
export function stripBinary(file) {
  if (process.platform === 'win32') return;
  const before = statSync(file).size;
  const args = process.platform === 'darwin' ? ['-x', file] : ['--strip-unneeded', file];
  const r = spawnSync('strip', args, { stdio: 'pipe' });
  if (r.status !== 0) {
    console.warn(`copy-rag-assets: could not strip ${file} (${r.error?.message ?? r.stderr?.toString().trim()}); shipping it unstripped`);
    return;
  }
  console.log(`copy-rag-assets: stripped the Chroma binding ${(before / 1e6).toFixed(0)} MB → ${(statSync(file).size / 1e6).toFixed(0)} MB`);
}

/** Returns the list of files written (relative to root). Throws when a required asset is missing. */
export function copyRagAssets(root = dirname(dirname(fileURLToPath(import.meta.url)))) {
  const req = createRequire(join(root, 'package.json'));
  const out = join(root, 'dist', 'rag-assets');
  mkdirSync(out, { recursive: true });
  const written = [];
  const copy = (from, name) => {
    copyFileSync(from, join(out, name));
    written.push(`dist/rag-assets/${name}`);
  };
  copy(join(dirname(req.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'), 'web-tree-sitter.wasm');
  const grammars = join(dirname(req.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
  for (const g of GRAMMARS) copy(join(grammars, `tree-sitter-${g}.wasm`), `tree-sitter-${g}.wasm`);
  const pkg = bindingPackage();
  if (pkg) {
    let dir;
    try {
      dir = dirname(req.resolve(`${pkg}/package.json`));
    } catch {
      dir = undefined;
    }
    const node = dir && existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.node')) : undefined;
    if (node) {
      copy(join(dir, node), `${pkg}.node`);
      stripBinary(join(out, `${pkg}.node`));
    }
    else console.warn(`copy-rag-assets: ${pkg} is not installed; the packaged extension will need switchyard.rag.chromaUrl`);
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = copyRagAssets();
  console.log(`copy-rag-assets: ${files.length} files → dist/rag-assets/`);
}
