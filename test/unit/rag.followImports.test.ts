/** Follow imports: small re-export / import hits bring the definition they point at. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/logger';
import { locateRagAssets } from '../../src/core/rag/assets';
import { RagIndex } from '../../src/core/rag/indexer';
import { importTargets, isImportHub } from '../../src/core/rag/retrieve/followImports';

describe('rag follow imports', () => {
  it('resolves relative JS/TS re-exports, requires and Python relative imports against indexed files', () => {
    const have = new Set(['src/net/retry.ts', 'src/util/index.js', 'pkg/impl.py', 'pkg/sub/__init__.py']);
    const exists = (p: string) => have.has(p);
    assert.deepEqual(importTargets("export { retry as withRetry, type Opts } from './net/retry.js';", 'src/index.ts', exists), [{ path: 'src/net/retry.ts', names: ['retry', 'Opts'] }]);
    assert.deepEqual(importTargets("const { pick } = require('./util');\nimport x from 'lodash';", 'src/a.js', exists), [{ path: 'src/util/index.js', names: ['pick'] }]);
    assert.deepEqual(importTargets('from .impl import run, stop\nfrom .sub import thing', 'pkg/__init__.py', exists), [{ path: 'pkg/impl.py', names: ['run', 'stop'] }, { path: 'pkg/sub/__init__.py', names: ['thing'] }]);
    assert.equal(isImportHub("export { a } from './a';\nexport { b } from './b';"), true);
    assert.equal(isImportHub("import { a } from './a';\nfunction big() {\n  a();\n  return 1;\n}\nconst x = 2;\nconst y = 3;"), false);
  });

  it('adds the definition after a re-export hit, marked with where it was followed from', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sy-follow-'));
    const storage = mkdtempSync(join(tmpdir(), 'sy-follow-st-'));
    try {
      mkdirSync(join(root, 'src/http'), { recursive: true });
      mkdirSync(join(root, 'src/net'), { recursive: true });
      writeFileSync(join(root, 'src/http/index.ts'), "export { sendWithBackoff as httpRetry } from '../net/backoffImpl';\n");
      writeFileSync(join(root, 'src/net/backoffImpl.ts'), 'export async function sendWithBackoff(send: () => Promise<number>, attempts = 3) {\n  for (let i = 0; ; i++) {\n    try {\n      return await send();\n    } catch (e) {\n      if (i >= attempts) throw e;\n      await new Promise((r) => setTimeout(r, 2 ** i * 100));\n    }\n  }\n}\n');
      writeFileSync(join(root, 'src/other.ts'), 'export const unrelated = 1;\n');
      const idx = new RagIndex({ root, storageDir: storage, logger: silentLogger, chunker: locateRagAssets() });
      await idx.index();
      const res = await idx.search('httpRetry', { k: 5 });
      assert.deepEqual(res.hits.map((h) => [h.chunk.path, h.followedFrom]), [['src/http/index.ts', undefined], ['src/net/backoffImpl.ts', 'src/http/index.ts']]);
      assert.match(res.hits[1].chunk.text, /function sendWithBackoff/);
      const off = await idx.search('httpRetry', { k: 5, followImports: false });
      assert.deepEqual(off.hits.map((h) => h.chunk.path), ['src/http/index.ts']);
      idx.dispose();
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(storage, { recursive: true, force: true });
    }
  });
});
