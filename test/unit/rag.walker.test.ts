/** The walker's rules: nested .gitignore, exclude globs (files.exclude style), size cap, binary files, default excludes. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIndexable, looksBinary, walkWorkspace } from '../../src/core/rag/walk/walker';

describe('rag walker', () => {
  let root: string;
  const put = (rel: string, data: string | Buffer) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), data);
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sy-walk-'));
    put('.gitignore', '*.log\n/out/\n');
    put('src/a.ts', 'export const a = 1;\n');
    put('src/debug.log', 'noise\n');
    put('out/bundle.js', 'x\n');
    put('pkg/.gitignore', 'generated/\n!keep.log\n');
    put('pkg/generated/g.ts', 'x\n');
    put('pkg/keep.log', 'kept by negation\n');
    put('pkg/lib/b.py', 'x = 1\n');
    put('node_modules/dep/index.js', 'x\n');
    put('.git/config', '[core]\n');
    put('assets/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
    put('big.txt', 'y'.repeat(3000));
    put('docs/tmp/scratch.md', 'draft\n');
    put('dist/app.min.js', 'x\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('honours nested .gitignore files (with negation), excludes, the size cap and binaries', async () => {
    const files = await walkWorkspace({ root, exclude: ['**/tmp'], maxFileBytes: 2000 });
    assert.deepEqual(files.map((f) => f.path), ['.gitignore', 'pkg/.gitignore', 'pkg/keep.log', 'pkg/lib/b.py', 'src/a.ts']);
    assert.ok(files.every((f) => f.size > 0 && f.absPath.startsWith(root)));
  });

  it('answers the same for single paths (file watcher)', async () => {
    const opts = { root, exclude: ['**/tmp'], maxFileBytes: 2000 };
    assert.equal(await isIndexable(opts, 'src/a.ts'), true);
    assert.equal(await isIndexable(opts, 'src/debug.log'), false);
    assert.equal(await isIndexable(opts, 'pkg/generated/g.ts'), false);
    assert.equal(await isIndexable(opts, 'pkg/keep.log'), true);
    assert.equal(await isIndexable(opts, 'node_modules/dep/index.js'), false);
    assert.equal(await isIndexable(opts, 'assets/logo.png'), false);
    assert.equal(await isIndexable(opts, 'big.txt'), false);
    assert.equal(await isIndexable(opts, 'src/missing.ts'), false);
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(walkWorkspace({ root, signal: ac.signal }), { name: 'AbortError' });
  });

  it('detects binary content by NUL bytes and control characters, not UTF-8 text', () => {
    assert.equal(looksBinary(Buffer.from('héllo wörld — ✓\n\ttab')), false);
    assert.equal(looksBinary(Buffer.from([0x68, 0x00, 0x69])), true);
    assert.equal(looksBinary(Buffer.from(Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)))), true);
    assert.equal(looksBinary(Buffer.alloc(0)), false);
  });
});
