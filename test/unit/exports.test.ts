/**
 * Every export in src/ is imported by some other file (src/, test/, bench/, scripts/, webview-ui/):
 * an export nobody imports is dead code or should not be exported. Types named only in their own
 * module's exported signatures count as used (callers need not import a parameter's type to call).
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { unusedExports, type UnusedExport } from '../support/unusedExports';

const root = resolve(__dirname, '../..');

/** Exports used by something other than an import: VS Code calls the extension's entry points. */
const ENTRY_POINTS = new Set(['src/extension.ts activate', 'src/extension.ts deactivate']);

describe('exports: nothing in src/ is exported without being imported', () => {
  let scan: UnusedExport[];
  before(() => {
    scan = unusedExports(root); // one pass over the syntax trees (about a second) for both checks
  });

  it('every export is imported by another file (or is an entry point)', () => {
    const problems = scan
      .filter((u) => !ENTRY_POINTS.has(`${u.file} ${u.name}`))
      .filter((u) => !(u.kind === 'local' && u.typeOnly))
      .map((u) => `${u.file}:${u.line} ${u.name} — ${u.kind === 'dead' ? 'used nowhere: delete it' : 'used only in its own file: drop the `export`'}`);
    assert.deepEqual(problems, [], `exports nothing imports:\n${problems.join('\n')}`);
  });

  it('the scan sees imports of every kind (so the check above can fail)', () => {
    const found = new Set(scan.map((u) => `${u.file} ${u.name}`));
    // imported by name, by `import type`, through a re-export, by `import('…').Name` and by a destructured require
    for (const used of ['src/core/rag/indexer.ts RagIndex', 'src/core/rag/retrieve/search.ts SearchOptions', 'src/core/cost/catalog.ts PriceCatalog', 'src/core/logger.ts scopedLogger']) {
      assert.ok(!found.has(used), `${used} is imported, but the scan says it is not`);
    }
    // an entry point is imported by no file: the scan must report it, or the allowlist would hide nothing
    assert.ok(found.has('src/extension.ts deactivate'));
  });
});
