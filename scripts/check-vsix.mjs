#!/usr/bin/env node
// Lists a .vsix (a zip) and fails when dev files slipped in (sources, tests, TypeScript, test
// source maps, dev-only node_modules, VCS or CI files), or when a platform VSIX does not carry
// exactly its platform's Chroma binding (named as the runtime looks for it, built for that OS and
// CPU). Usage: node scripts/check-vsix.mjs file.vsix [more.vsix …]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { binaryMismatch, targetFor } from './vsix-targets.mjs';

/** Entry names from the zip's central directory (no dependency: the format is small). */
export function zipEntries(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file (no end-of-central-directory record)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size, compressed, method, local });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

export function readEntry(buf, entry) {
  const start = entry.local + 30 + buf.readUInt16LE(entry.local + 26) + buf.readUInt16LE(entry.local + 28);
  const data = buf.subarray(start, start + entry.compressed);
  return entry.method === 8 ? inflateRawSync(data) : data;
}

const FORBIDDEN = [
  [/^extension\/src\//, 'source folder'],
  [/^extension\/test\//, 'tests'],
  [/^extension\/(bench|scripts|webview-ui|\.ci|\.github|\.vscode|\.e2e|test-artifacts)\//, 'dev folder'],
  [/^(?!extension\/node_modules\/).*\.tsx?$/, 'TypeScript source'],
  [/(^|\/)[^/]*\.(test|spec)\.[cm]?js(\.map)?$/, 'test bundle'],
  [/^extension\/node_modules\/(typescript|esbuild|@esbuild|mocha|tsx|@vscode\/vsce|@types|playwright-core)\//, 'dev dependency'],
  [/(^|\/)\.git(\/|$)/, 'git metadata'],
  [/^extension\/(tsconfig\.json|esbuild\.mjs|\.mocharc\.json|package-lock\.json|\.gitignore|\.vscodeignore)$/, 'build config'],
  [/\.vsix$/, 'nested package'],
];
const REQUIRED = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/cli.js', 'extension/readme.md', 'extension/LICENSE.txt', 'extension/media/icon.png'];

/** The VSIX's target platform (from extension.vsixmanifest), or undefined for a universal one. */
export function vsixTarget(buf, entries) {
  const manifest = entries.find((e) => e.name === 'extension.vsixmanifest');
  if (!manifest) return undefined;
  return /TargetPlatform="([^"]+)"/.exec(readEntry(buf, manifest).toString('utf8'))?.[1];
}

/** Checks one VSIX; returns printable lines and the problems found (empty when it is fine). */
export function checkVsix(file) {
  const buf = readFileSync(file);
  const entries = zipEntries(buf);
  const names = entries.map((e) => e.name);
  const problems = [];
  const lines = [];
  for (const name of names) {
    for (const [re, why] of FORBIDDEN) if (re.test(name)) problems.push(`${name}: ${why}`);
  }
  for (const name of REQUIRED) {
    // vsce renames LICENSE to LICENSE.txt and README.md to readme.md; compare case-insensitively.
    const lower = names.map((n) => n.toLowerCase());
    const alternatives = [name, name.replace(/\.txt$/, '')].map((n) => n.toLowerCase());
    if (!alternatives.some((n) => lower.includes(n))) problems.push(`${name}: missing`);
  }
  const manifestEntry = entries.find((e) => e.name === 'extension/package.json');
  if (manifestEntry) {
    const pkg = JSON.parse(readEntry(buf, manifestEntry).toString('utf8'));
    if (pkg.main !== './dist/extension.js') problems.push(`package.json main is ${pkg.main}`);
  }
  const bindings = entries.filter((e) => /^extension\/dist\/rag-assets\/chromadb-js-bindings-.*\.node$/.test(e.name));
  const targetName = vsixTarget(buf, entries);
  if (targetName) {
    const target = targetFor(targetName);
    const expected = target && `extension/dist/rag-assets/${target.binding}.node`;
    if (!target) problems.push(`target ${targetName}: Switchyard ships no VSIX for it (scripts/vsix-targets.mjs)`);
    else if (!bindings.some((e) => e.name === expected)) problems.push(`${expected}: missing (the ${targetName} VSIX must carry its Chroma binding)`);
    else {
      const entry = bindings.find((e) => e.name === expected);
      const mismatch = binaryMismatch(readEntry(buf, entry).subarray(0, 1 << 16), target.format);
      if (mismatch) problems.push(`${expected}: ${mismatch}, not a ${targetName} binary`);
      else lines.push(`Chroma binding: ${target.binding}.node (${(entry.size / 1e6).toFixed(0)} MB, a ${targetName} binary)`);
    }
    for (const other of bindings.filter((e) => e.name !== expected)) problems.push(`${other.name}: another platform's binding in the ${targetName} VSIX`);
  } else if (bindings.length > 1) {
    problems.push(`a universal VSIX with ${bindings.length} Chroma bindings: ${bindings.map((e) => e.name).join(', ')}`);
  }
  const total = entries.reduce((s, e) => s + e.size, 0);
  lines.unshift(`${file}${targetName ? ` [${targetName}]` : ''}: ${entries.length} files, ${(total / 1024).toFixed(0)} KiB unpacked, ${(buf.length / 1024).toFixed(0)} KiB packed`);
  for (const e of entries.filter((e) => !e.name.endsWith('/')).sort((a, b) => b.size - a.size).slice(0, 12)) {
    lines.push(`  ${(e.size / 1024).toFixed(1).padStart(9)} KiB  ${e.name}`);
  }
  return { lines, problems, target: targetName };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node scripts/check-vsix.mjs switchyard-<target>-x.y.z.vsix [more.vsix …]');
    process.exit(2);
  }
  let failed = false;
  for (const file of files) {
    const { lines, problems } = checkVsix(file);
    for (const line of lines) console.log(line);
    if (problems.length) {
      failed = true;
      console.error(`VSIX check failed for ${file}:\n  ${problems.join('\n  ')}`);
    } else console.log(`VSIX check: ok (no sources, tests, TypeScript or dev dependencies inside${/\[/.test(lines[0]) ? '; its own Chroma binding' : ''})`);
  }
  if (failed) process.exit(1);
}
