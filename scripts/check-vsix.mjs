#!/usr/bin/env node
// Lists a .vsix (a zip) and fails when dev files slipped in: sources, tests, TypeScript, test
// source maps, dev-only node_modules, VCS or CI files. Usage: node scripts/check-vsix.mjs file.vsix
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

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

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/check-vsix.mjs switchyard-x.y.z.vsix');
  process.exit(2);
}
const buf = readFileSync(file);
const entries = zipEntries(buf);
const names = entries.map((e) => e.name);
const problems = [];
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
const total = entries.reduce((s, e) => s + e.size, 0);
const packed = buf.length;
console.log(`${file}: ${entries.length} files, ${(total / 1024).toFixed(0)} KiB unpacked, ${(packed / 1024).toFixed(0)} KiB packed`);
for (const e of entries.filter((e) => !e.name.endsWith('/')).sort((a, b) => b.size - a.size).slice(0, 12)) {
  console.log(`  ${(e.size / 1024).toFixed(1).padStart(9)} KiB  ${e.name}`);
}
if (problems.length) {
  console.error(`VSIX check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('VSIX check: ok (no sources, tests, TypeScript or dev dependencies inside)');
