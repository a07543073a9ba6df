#!/usr/bin/env node
// Packages one VSIX per platform (`vsce package --target …`), each with its own Chroma server
// binding from the npm registry (scripts/vsix-targets.mjs), and checks each (scripts/check-vsix.mjs).
// Run after `node esbuild.mjs`. Bindings are downloaded once with `npm pack` into
// $SWITCHYARD_BINDINGS_CACHE (default ~/.cache/switchyard-bindings), never into the repository.
//   node scripts/package-vsix.mjs                        every target → ./switchyard-<target>-<version>.vsix
//   node scripts/package-vsix.mjs --target linux-x64 [--target …] [--out-dir DIR] [--out FILE]
//   node scripts/package-vsix.mjs --target host --out x.vsix   this machine's platform only (demo, e2e)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkVsix } from './check-vsix.mjs';
import { stripBinary } from './copy-rag-assets.mjs';
import { hostTarget, targetFor, VSIX_TARGETS } from './vsix-targets.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const assetsDir = join(root, 'dist', 'rag-assets');
const cacheDir = process.env.SWITCHYARD_BINDINGS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchyard-bindings');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', shell: process.platform === 'win32', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r.stdout;
}

/** The exact binding version a target ships: the package.json override, or the newest in chromadb's range. */
export function bindingVersion(t) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (t.version === 'override') {
    const pinned = pkg.overrides?.[t.binding];
    if (!pinned) throw new Error(`package.json has no "overrides" entry for ${t.binding}`);
    return pinned;
  }
  const chroma = JSON.parse(readFileSync(join(root, 'node_modules', 'chromadb', 'package.json'), 'utf8'));
  const range = chroma.optionalDependencies?.[t.binding];
  if (!range) throw new Error(`chromadb ${chroma.version} lists no ${t.binding} in optionalDependencies`);
  const out = JSON.parse(run('npm', ['view', `${t.binding}@${range}`, 'version', '--json']));
  return Array.isArray(out) ? out[out.length - 1] : out;
}

/** Path of the target's `.node` file: node_modules when that exact version is installed, else the download cache. */
export function bindingFile(t, version) {
  const installed = join(root, 'node_modules', t.binding);
  if (existsSync(join(installed, 'package.json')) && JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version === version) {
    const node = readdirSync(installed).find((f) => f.endsWith('.node'));
    if (node) return join(installed, node);
  }
  const dir = join(cacheDir, `${t.binding}@${version}`);
  const cached = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.node')) : undefined;
  if (cached) return join(dir, cached);
  console.log(`package-vsix: downloading ${t.binding}@${version} (npm pack)`);
  const work = mkdtempSync(join(tmpdir(), 'switchyard-binding-'));
  try {
    const [info] = JSON.parse(run('npm', ['pack', `${t.binding}@${version}`, '--json', '--pack-destination', work], { cwd: work }));
    run('tar', ['-xzf', join(work, info.filename), '-C', work]);
    const node = readdirSync(join(work, 'package')).find((f) => f.endsWith('.node'));
    if (!node) throw new Error(`${t.binding}@${version} contains no .node file`);
    mkdirSync(`${dir}.partial`, { recursive: true });
    copyFileSync(join(work, 'package', node), join(`${dir}.partial`, node));
    rmSync(dir, { recursive: true, force: true });
    renameSync(`${dir}.partial`, dir);
    return join(dir, node);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Leaves exactly one Chroma binding in dist/rag-assets: the target's, named as the runtime looks for it. */
function stageBinding(t, file, alreadyStripped) {
  for (const f of readdirSync(assetsDir)) if (/^chromadb-js-bindings-.*\.node$/.test(f)) rmSync(join(assetsDir, f));
  const dest = join(assetsDir, `${t.binding}.node`);
  copyFileSync(file, dest);
  // linux-x64 1.0.5 is published with debug info (437 MB → 46 MB stripped). The others are published
  // stripped, and Mach-O / PE files are shipped exactly as signed and published.
  if (t.target === 'linux-x64' && !alreadyStripped && process.platform === 'linux') stripBinary(dest);
}

function parseArgs(argv) {
  const opts = { targets: [], outDir: root, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--target') {
      const name = argv[++i];
      if (name === 'host' && !hostTarget()) throw new Error(`no VSIX target for this machine (${process.platform}-${process.arch})`);
      opts.targets.push(name === 'host' ? hostTarget().target : name);
    }
    else if (a === '--out-dir') opts.outDir = resolve(argv[++i]);
    else if (a === '--out') opts.out = resolve(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  if (opts.targets.length === 0) opts.targets = VSIX_TARGETS.map((t) => t.target);
  for (const name of opts.targets) if (!targetFor(name)) throw new Error(`unknown target ${name} (known: ${VSIX_TARGETS.map((t) => t.target).join(', ')})`);
  if (opts.out && opts.targets.length !== 1) throw new Error('--out needs exactly one --target');
  return opts;
}

export function packageVsix(argv) {
  const opts = parseArgs(argv);
  if (!existsSync(join(assetsDir, 'web-tree-sitter.wasm'))) throw new Error('dist/rag-assets is missing: run `node esbuild.mjs` first');
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const host = hostTarget();
  const hostBinding = host && readdirSync(assetsDir).find((f) => f === `${host.binding}.node`);
  const hostCopy = hostBinding ? join(mkdtempSync(join(tmpdir(), 'switchyard-host-binding-')), hostBinding) : undefined;
  if (hostCopy) copyFileSync(join(assetsDir, hostBinding), hostCopy);
  const made = [];
  try {
    for (const name of opts.targets) {
      const t = targetFor(name);
      const bindingVer = bindingVersion(t);
      // The host's binding in dist/ came from node_modules (the same pinned version) and is already stripped.
      if (t === host && hostCopy) stageBinding(t, hostCopy, true);
      else stageBinding(t, bindingFile(t, bindingVer), false);
      const out = opts.out ?? join(opts.outDir, `switchyard-${t.target}-${version}.vsix`);
      mkdirSync(dirname(out), { recursive: true });
      const started = Date.now();
      run('npx', ['vsce', 'package', '--no-dependencies', '--target', t.target, '--out', out], { cwd: root });
      const report = checkVsix(out);
      console.log(`package-vsix: ${t.target} with ${t.binding}@${bindingVer} → ${out} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      for (const line of report.lines) console.log(`  ${line}`);
      if (report.problems.length) throw new Error(`VSIX check failed for ${out}:\n  ${report.problems.join('\n  ')}`);
      made.push(out);
    }
  } finally {
    // dist/ keeps working on this machine: the host's own binding goes back.
    for (const f of readdirSync(assetsDir)) if (/^chromadb-js-bindings-.*\.node$/.test(f)) rmSync(join(assetsDir, f));
    if (hostCopy) {
      copyFileSync(hostCopy, join(assetsDir, hostBinding));
      rmSync(dirname(hostCopy), { recursive: true, force: true });
    }
  }
  return made;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    const made = packageVsix(process.argv.slice(2));
    console.log(`package-vsix: ${made.length} VSIX file(s), each checked`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
