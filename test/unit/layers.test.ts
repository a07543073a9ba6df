/** Enforces the layer rule: src/core is plain TypeScript that runs in Node without VS Code. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');
const core = join(root, 'src', 'core');
const forbiddenDirs = [join(root, 'src', 'host'), join(root, 'src', 'cli'), join(root, 'webview-ui'), join(root, 'src', 'extension')];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : /\.(c|m)?tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier a file imports, re-exports, requires or dynamically imports. */
export function importsOf(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  const specs = info.importedFiles.map((f) => f.fileName);
  // preProcessFile misses `require()` in TS files that are not CommonJS-looking; catch it too.
  for (const m of source.matchAll(/\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g)) specs.push(m[1]);
  return [...new Set(specs)];
}

/** Lines (1-based) of real `console.*(…)` calls, found in the syntax tree (not in strings or comments). */
export function consoleCalls(source: string): number[] {
  const sf = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'console') {
      lines.push(sf.getLineAndCharacterOfPosition(node.getStart()).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return lines;
}

/** Why an import from a core file breaks the layer rule, or undefined when it is fine. */
export function violation(fromFile: string, spec: string): string | undefined {
  if (spec === 'vscode' || spec.startsWith('vscode/')) return `imports 'vscode'`;
  if (!spec.startsWith('.')) return undefined;
  const target = resolve(dirname(fromFile), spec);
  for (const dir of forbiddenDirs) {
    if (target === dir || target.startsWith(dir + sep) || target === dir + '.ts') return `imports ${relative(root, target)}`;
  }
  return undefined;
}

describe('layers: src/core never depends on vscode, host, cli or webview-ui', () => {
  const files = tsFiles(core);

  it('finds the core sources', () => {
    assert.ok(files.length >= 5, `expected core sources under ${core}, found ${files.length}`);
  });

  it('has no forbidden import in any core file', () => {
    const problems: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const why = violation(file, spec);
        if (why) problems.push(`${relative(root, file)} ${why} ('${spec}')`);
      }
    }
    assert.deepEqual(problems, [], `core must stay editor-agnostic:\n${problems.join('\n')}`);
  });

  it('has no console.* call in core (log through the injected Logger)', () => {
    const problems: string[] = [];
    for (const file of files) {
      for (const line of consoleCalls(readFileSync(file, 'utf8'))) problems.push(`${relative(root, file)}:${line}`);
    }
    assert.deepEqual(problems, [], `use the Logger instead of console in core:\n${problems.join('\n')}`);
  });

  it('the checker itself catches each kind of forbidden import', () => {
    const f = join(core, 'x', 'y.ts');
    const src = [
      "import * as vscode from 'vscode';",
      "import { a } from '../../host/foo';",
      "export { b } from '../../cli/main';",
      "const c = await import('../../../webview-ui/src/main');",
      "const d = require('../../extension');",
      "import { ok } from '../models/types';",
      "import { z } from 'zod';",
    ].join('\n');
    const bad = importsOf(src).map((s) => violation(f, s)).filter(Boolean);
    assert.equal(bad.length, 5, `expected 5 violations, got ${JSON.stringify(bad)}`);
    assert.deepEqual(consoleCalls("const a = 1;\nconsole.log(a);\nconst s = `console.error(x)`; // console.warn(y)\n"), [2]);
  });
});
