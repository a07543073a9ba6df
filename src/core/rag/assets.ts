/**
 * Finds the runtime assets of the RAG pipeline: tree-sitter's WASM runtime, the grammar WASM
 * files and Chroma's native server binding. In a packaged extension they sit in `dist/rag-assets/`
 * (copied by scripts/copy-rag-assets.mjs); in a source checkout they come from node_modules.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { GrammarName } from './chunk/languages';

const ASSETS_DIR_NAME = 'rag-assets';

/** The npm package that carries Chroma's server for this platform (see chromadb's bindings loader). */
export function chromaBindingPackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string | undefined {
  if (platform === 'linux' && (arch === 'x64' || arch === 'arm64')) return `chromadb-js-bindings-linux-${arch}-gnu`;
  if (platform === 'darwin' && (arch === 'x64' || arch === 'arm64')) return `chromadb-js-bindings-darwin-${arch}`;
  if (platform === 'win32' && arch === 'x64') return 'chromadb-js-bindings-win32-x64-msvc';
  return undefined;
}

export interface RagAssets {
  treeSitterWasm: string;
  grammarPath(grammar: GrammarName): string;
  /** Absolute path of the `.node` binding, or undefined with `chromaMissing` saying why. */
  chromaBinding?: string;
  chromaMissing?: string;
}

function bundledDirs(explicit?: string): string[] {
  const dirs: string[] = [];
  if (explicit) dirs.push(explicit);
  if (process.env.SWITCHYARD_RAG_ASSETS) dirs.push(process.env.SWITCHYARD_RAG_ASSETS);
  // eslint-disable-next-line no-undef -- CommonJS bundle (dist/extension.js, dist/cli.js) or tsx
  if (typeof __dirname !== 'undefined') dirs.push(path.join(__dirname, ASSETS_DIR_NAME));
  return dirs;
}

function tryResolve(specifier: string): string | undefined {
  try {
    const req = createRequire(path.join(process.cwd(), 'noop.js'));
    return req.resolve(specifier);
  } catch {
    try {
      // eslint-disable-next-line no-undef
      return typeof require !== 'undefined' ? require.resolve(specifier) : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Locates the assets; `assetsDir` (e.g. `<extension>/dist/rag-assets`) wins over node_modules. */
export function locateRagAssets(assetsDir?: string): RagAssets {
  const bundled = bundledDirs(assetsDir).find((d) => existsSync(path.join(d, 'web-tree-sitter.wasm')));
  const bindingPkg = chromaBindingPackage();
  if (bundled) {
    const binding = bindingPkg ? path.join(bundled, `${bindingPkg}.node`) : undefined;
    return {
      treeSitterWasm: path.join(bundled, 'web-tree-sitter.wasm'),
      grammarPath: (g) => path.join(bundled, `tree-sitter-${g}.wasm`),
      ...chromaFrom(binding && existsSync(binding) ? binding : bindingPkg && tryResolve(bindingPkg), bindingPkg),
    };
  }
  const tsJs = tryResolve('web-tree-sitter');
  const grammarsPkg = tryResolve('@vscode/tree-sitter-wasm/package.json');
  return {
    treeSitterWasm: tsJs ? path.join(path.dirname(tsJs), 'web-tree-sitter.wasm') : 'web-tree-sitter.wasm',
    grammarPath: (g) => (grammarsPkg ? path.join(path.dirname(grammarsPkg), 'wasm', `tree-sitter-${g}.wasm`) : `tree-sitter-${g}.wasm`),
    ...chromaFrom(bindingPkg && tryResolve(bindingPkg), bindingPkg),
  };
}

function chromaFrom(resolved: string | undefined, pkg: string | undefined): Pick<RagAssets, 'chromaBinding' | 'chromaMissing'> {
  if (resolved) return { chromaBinding: resolved };
  if (!pkg) {
    return { chromaMissing: `Chroma has no local server build for ${process.platform}-${process.arch}. Set switchyard.rag.chromaUrl to a Chroma server.` };
  }
  return { chromaMissing: `Chroma's server binding (${pkg}) is not installed. Reinstall the extension, or set switchyard.rag.chromaUrl to a Chroma server.` };
}
