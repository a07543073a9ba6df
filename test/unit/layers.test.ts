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

/**
 * The floors inside core, lowest first. A module may import its own floor and the floors below,
 * never one above (Copilot Chat enforces the same with lint import zones). Features on the top
 * floor are peers; app.ts, the composition of core, sits above them.
 */
export const CORE_FLOORS: ReadonlyArray<readonly string[]> = [
  ['basics.ts', 'logger.ts', 'util'],
  ['config'],
  ['models'],
  ['cost', 'trace'],
  ['router'],
  ['completion', 'rag', 'chat', 'mcp', 'tools', 'setup'],
  ['app.ts'],
];

/** The floor of a path inside src/core ("router/router.ts" → 4), or undefined when not listed. */
export function floorOf(pathInCore: string): number | undefined {
  const top = pathInCore.split(/[\\/]/)[0];
  const i = CORE_FLOORS.findIndex((floor) => floor.includes(top) || floor.includes(`${top}.ts`));
  return i < 0 ? undefined : i;
}

/** Why an import inside core goes up a floor, or undefined when it does not. */
export function upwardImport(fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const target = resolve(dirname(fromFile), spec);
  if (!target.startsWith(core + sep)) return undefined;
  const from = floorOf(relative(core, fromFile));
  const to = floorOf(relative(core, target));
  if (from === undefined || to === undefined || to <= from) return undefined;
  return `${relative(core, fromFile)} (floor ${from}) imports ${relative(core, target)} (floor ${to})`;
}

describe('layers: the floors inside core', () => {
  const files = tsFiles(core);

  it('every file and folder of core is on a floor', () => {
    const unplaced = [...new Set(files.map((f) => relative(core, f).split(sep)[0]))].filter((top) => floorOf(top) === undefined);
    assert.deepEqual(unplaced, [], `add these to CORE_FLOORS in test/unit/layers.test.ts: ${unplaced.join(', ')}`);
  });

  it('no core module imports from a floor above its own', () => {
    const problems: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const why = upwardImport(file, spec);
        if (why) problems.push(why);
      }
    }
    assert.deepEqual(problems, [], `upward imports inside core:\n${problems.join('\n')}`);
  });

  it('the checker catches an upward import and allows downward and same-floor ones', () => {
    const inCost = join(core, 'cost', 'x.ts');
    assert.match(upwardImport(inCost, '../router/router') ?? '', /floor 3.*floor 4/);
    assert.equal(upwardImport(inCost, '../models/types'), undefined);
    assert.equal(upwardImport(inCost, '../trace/types'), undefined);
    assert.equal(upwardImport(join(core, 'chat', 'x.ts'), '../mcp/hub'), undefined, 'features are peers');
    assert.match(upwardImport(join(core, 'router', 'x.ts'), '../app') ?? '', /imports app \(floor 6\)/);
  });
});
