// Bundles Switchyard: the extension (dist/extension.js), the CLI (dist/cli.js) and, when it
// exists, the webview (dist/webview/main.js + its CSS). `node esbuild.mjs [--watch] [--dev]`.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev') || watch;

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // Source maps point at the repo's sources; the VSIX ships only the maps, not the sources.
  sourcesContent: false,
  minify: !dev,
  keepNames: true,
  logLevel: 'warning',
  absWorkingDir: root,
  // 'vscode' is provided by the extension host. Optional native/peer modules some SDKs try to
  // require lazily are left external so a missing one fails at call time, not at load.
  external: ['vscode'],
  // Prefer packages' ES module builds: UMD builds (e.g. jsonc-parser's) require files by computed
  // paths the bundler cannot follow.
  mainFields: ['module', 'main'],
  // ESM-only dependencies that read import.meta.url still work once bundled to CommonJS.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

/** The CLI bundle's options; tests build it into a temp folder with `outdir` changed. */
export const cliBuild = {
  ...nodeCommon,
  entryPoints: { cli: join(root, 'src/cli/main.ts') },
  outdir: join(root, 'dist'),
  banner: { js: `#!/usr/bin/env node\n${nodeCommon.banner.js}` },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [{ ...nodeCommon, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' }, cliBuild];

const webviewEntry = 'webview-ui/src/main.ts';
if (existsSync(join(root, webviewEntry))) {
  builds.push({
    entryPoints: { main: webviewEntry },
    outdir: 'dist/webview',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
    minify: !dev,
    sourcemap: dev,
    logLevel: 'warning',
    absWorkingDir: root,
    // CSS imported from the webview's TS is emitted beside it as dist/webview/main.css.
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  });
}

function report(result) {
  const outputs = Object.entries(result.metafile?.outputs ?? {}).filter(([file]) => !file.endsWith('.map'));
  for (const [file, info] of outputs) {
    console.log(`  ${relative(root, join(root, file)).padEnd(28)} ${(info.bytes / 1024).toFixed(1).padStart(9)} KiB`);
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) await run();

async function run() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  if (watch) {
    for (const options of builds) {
      const ctx = await esbuild.context({ ...options, metafile: true });
      await ctx.watch();
    }
    console.log('esbuild: watching…');
  } else {
    const started = Date.now();
    const results = await Promise.all(builds.map((options) => esbuild.build({ ...options, metafile: true })));
    const cli = join(root, 'dist', 'cli.js');
    if (existsSync(cli)) chmodSync(cli, statSync(cli).mode | 0o111);
    console.log(`esbuild: built ${builds.length} bundle(s) in ${Date.now() - started} ms${dev ? ' (dev)' : ''}`);
    results.forEach(report);
    await copyRuntimeAssets();
  }
}

/**
 * Runtime assets other areas need beside the bundles (each area owns its copy script):
 * RAG — tree-sitter WASM grammars and the Chroma server binding → dist/rag-assets/.
 */
async function copyRuntimeAssets() {
  const rag = join(root, 'scripts', 'copy-rag-assets.mjs');
  if (existsSync(rag)) {
    const { copyRagAssets } = await import(pathToFileURL(rag).href);
    const files = copyRagAssets(root);
    console.log(`  dist/rag-assets/ (${files.length} files)`);
  }
}
