/**
 * One VSIX per platform: the packaging table (scripts/vsix-targets.mjs) and the runtime's choice of
 * Chroma binding agree, and the VSIX check fails a platform VSIX whose binding is missing or built
 * for another OS/CPU. VSIX files here are real zips written by a minimal writer (stored entries).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readSync, closeSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromaBindingPackage } from '../../src/core/rag/assets';
// @ts-expect-error -- plain ESM script without types
import { binaryMismatch, hostTarget, VSIX_TARGETS } from '../../scripts/vsix-targets.mjs';
// @ts-expect-error -- plain ESM script without types
import { checkVsix } from '../../scripts/check-vsix.mjs';

interface Target { target: string; platform: NodeJS.Platform; arch: string; binding: string; format: { kind: string } }
const targets = VSIX_TARGETS as Target[];

/** A zip with stored (uncompressed) entries: enough for the checker's central-directory reader. */
function zip(files: Record<string, Buffer | string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** The first bytes of a shared library for each format, as the real files start. */
function header(format: { kind: string; machine?: number; cpu?: number }): Buffer {
  const b = Buffer.alloc(512);
  if (format.kind === 'elf') {
    b.writeUInt32BE(0x7f454c46, 0);
    b.writeUInt16LE(format.machine!, 18);
  } else if (format.kind === 'macho') {
    b.writeUInt32LE(0xfeedfacf, 0);
    b.writeUInt32LE(format.cpu!, 4);
  } else {
    b.write('MZ', 0, 'latin1');
    b.writeUInt32LE(0x80, 0x3c);
    b.writeUInt32BE(0x50450000, 0x80);
    b.writeUInt16LE(format.machine!, 0x84);
  }
  return b;
}

function vsixFor(target: string, files: Record<string, Buffer | string>): Record<string, Buffer | string> {
  return {
    'extension.vsixmanifest': `<PackageManifest><Metadata><Identity Id="switchyard" Version="0.1.0" Publisher="switchyard-dev" TargetPlatform="${target}"/></Metadata></PackageManifest>`,
    'extension/package.json': JSON.stringify({ main: './dist/extension.js' }),
    'extension/dist/extension.js': '',
    'extension/dist/cli.js': '',
    'extension/readme.md': '',
    'extension/LICENSE.txt': '',
    'extension/media/icon.png': '',
    ...files,
  };
}

describe('VSIX per platform: targets and the check', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'switchyard-vsix-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, files: Record<string, Buffer | string>) => {
    const file = join(dir, name);
    writeFileSync(file, zip(files));
    return file;
  };

  it('ships the five platforms VS Code users are on, each with a binding the runtime looks for', () => {
    assert.deepEqual(targets.map((t) => t.target), ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64']);
    for (const t of targets) assert.equal(chromaBindingPackage(t.platform, t.arch), t.binding, t.target);
  });

  it('recognises the real binding installed here as this platform\'s, and as no other', () => {
    const host = hostTarget() as Target | undefined;
    if (!host) return;
    const pkgDir = join(process.cwd(), 'node_modules', host.binding);
    const node = readdirSync(pkgDir).find((f) => f.endsWith('.node'))!;
    const head = Buffer.alloc(1 << 16);
    const fd = openSync(join(pkgDir, node), 'r');
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    for (const t of targets) assert.equal(binaryMismatch(head, t.format) === undefined, t === host, t.target);
  });

  for (const t of targets) {
    it(`${t.target}: passes with its own binding, fails without it, with another platform's, or with an extra one`, () => {
      const path = `extension/dist/rag-assets/${t.binding}.node`;
      const good = checkVsix(write(`${t.target}-good.vsix`, vsixFor(t.target, { [path]: header(t.format) })));
      assert.deepEqual(good.problems, []);
      assert.equal(good.target, t.target);

      const missing = checkVsix(write(`${t.target}-missing.vsix`, vsixFor(t.target, {})));
      assert.match(missing.problems.join('\n'), /missing \(the .* VSIX must carry its Chroma binding\)/);

      const other = targets.find((o) => o.format.kind !== t.format.kind)!;
      const wrong = checkVsix(write(`${t.target}-wrong.vsix`, vsixFor(t.target, { [path]: header(other.format) })));
      assert.match(wrong.problems.join('\n'), new RegExp(`not a ${t.target} binary`));

      const extra = checkVsix(write(`${t.target}-extra.vsix`, vsixFor(t.target, { [path]: header(t.format), [`extension/dist/rag-assets/${other.binding}.node`]: header(other.format) })));
      assert.match(extra.problems.join('\n'), /another platform's binding/);
    });
  }

  it('tells the two CPUs of one OS apart (linux x64 vs arm64, darwin x64 vs arm64)', () => {
    const [lx, la, dx, da] = targets;
    assert.match(String(binaryMismatch(header(la.format), lx.format)), /ELF for machine 0xb7/);
    assert.match(String(binaryMismatch(header(da.format), dx.format)), /Mach-O for CPU/);
  });
});
