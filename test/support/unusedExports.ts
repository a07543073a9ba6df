/**
 * Finds exports in src/ that no other file imports, from the syntax trees alone (no type check, so
 * it runs in about a second): every import, re-export, `import('…')` type and `require` in src/,
 * test/, bench/, scripts/ and webview-ui/ counts as a use. Run directly to list them:
 * `npx tsx test/support/unusedExports.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Folders whose files may use src/'s exports. */
const CONSUMER_DIRS = ['src', 'test', 'bench', 'scripts', 'webview-ui/src'];
const SOURCE = /\.(c|m)?(t|j)sx?$/;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : SOURCE.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The file a relative specifier names (TypeScript's bundler resolution: extension optional, `.js` may mean `.ts`). */
function resolveRelative(fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(fromFile), spec);
  const stem = base.replace(/\.(c|m)?js$/, '');
  for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const ALL = '*';

function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function hasDefaultModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}

interface ExportInfo {
  line: number;
  /** Only a type (interface, type alias, `export type`): naming it in the module's own exported signatures is a use. */
  typeOnly: boolean;
}

/** The names a file exports, not counting `export *` re-exports. */
function exportsOf(sf: ts.SourceFile): Map<string, ExportInfo> {
  const found = new Map<string, { line: number; typeOnly: boolean }>();
  const out = { set: (name: string, line: number, typeOnly = false) => found.set(name, { line, typeOnly }) };
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && st.exportClause) {
      if (ts.isNamedExports(st.exportClause)) for (const el of st.exportClause.elements) out.set(el.name.text, line(el), st.isTypeOnly || el.isTypeOnly);
      else out.set(st.exportClause.name.text, line(st));
    } else if (ts.isExportAssignment(st)) {
      if (!st.isExportEquals) out.set('default', line(st));
    } else if (hasExportModifier(st)) {
      if (hasDefaultModifier(st)) out.set('default', line(st));
      else if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) for (const n of bindingNames(d.name)) out.set(n, line(d));
      else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) && st.name && ts.isIdentifier(st.name)) {
        out.set(st.name.text, line(st), ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st));
      }
    }
  }
  return found;
}

/** Names that occur in the file more than once (declared and used there). */
function usedLocally(sf: ts.SourceFile, names: Iterable<string>): Set<string> {
  const wanted = new Set(names);
  const counts = new Map<string, number>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && wanted.has(node.text) && !(ts.isExportSpecifier(node.parent) && node.parent.name === node)) counts.set(node.text, (counts.get(node.text) ?? 0) + 1);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return new Set([...counts].filter(([, n]) => n > 1).map(([name]) => name));
}

/** Records, per imported file, the names a file takes from it (ALL when it may take any). */
function usesOf(file: string, sf: ts.SourceFile, used: Map<string, Set<string>>): void {
  const use = (spec: ts.Expression | ts.Node | undefined, names: string[]) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    const target = resolveRelative(file, spec.text);
    if (!target || target === file) return;
    let set = used.get(target);
    if (!set) used.set(target, (set = new Set()));
    for (const n of names) set.add(n);
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const names: string[] = [];
      if (!clause) names.push(ALL); // side-effect import: nothing named, but keep it simple and safe
      else {
        if (clause.name) names.push('default');
        const b = clause.namedBindings;
        if (b && ts.isNamespaceImport(b)) names.push(...namespaceUses(sf, b.name.text));
        else if (b) for (const el of b.elements) names.push((el.propertyName ?? el.name).text);
      }
      use(node.moduleSpecifier, names);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      use(node.moduleSpecifier, clause && ts.isNamedExports(clause) ? clause.elements.map((el) => (el.propertyName ?? el.name).text) : [ALL]);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      use(node.moduleReference.expression, [ALL]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const q = node.qualifier;
      // `require('./x') as typeof import('./x')` only types the require: the destructuring names the uses
      const typesRequire = !q && ts.isAsExpression(node.parent) && isModuleCall(node.parent.expression);
      if (!typesRequire) use(node.argument.literal, [q ? leftmost(q) : ALL]);
    } else if (isModuleCall(node)) {
      use(node.arguments[0], destructured(node) ?? [ALL]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/**
 * The names a file takes through `import * as ns`: each `ns.X`; ALL when `ns` itself is passed on,
 * except to Object.keys/values/entries (reflection over the module, e.g. checking naming rules, is no use).
 */
function namespaceUses(sf: ts.SourceFile, ns: string): string[] {
  const names = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && node.text === ns && !ts.isNamespaceImport(node.parent)) {
      const p = node.parent;
      if ((ts.isPropertyAccessExpression(p) && p.expression === node) || (ts.isQualifiedName(p) && p.left === node)) {
        names.add(ts.isPropertyAccessExpression(p) ? p.name.text : p.right.text);
      } else if (!(ts.isCallExpression(p) && /^Object\.(keys|values|entries)$/.test(p.expression.getText(sf)))) {
        names.add(ALL);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return [...names];
}

function isModuleCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || node.arguments.length === 0) return false;
  const callee = node.expression;
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

/** The names taken by `const { A, B } = require('./x')` (also through `await` and `as`), else undefined. */
function destructured(call: ts.CallExpression): string[] | undefined {
  let node: ts.Node = call;
  while (ts.isAsExpression(node.parent) || ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const decl = node.parent;
  if (!ts.isVariableDeclaration(decl) || !ts.isObjectBindingPattern(decl.name)) return undefined;
  const names: string[] = [];
  for (const el of decl.name.elements) {
    const key = el.propertyName ?? el.name;
    if (el.dotDotDotToken || !ts.isIdentifier(key)) return undefined;
    names.push(key.text);
  }
  return names;
}

function leftmost(q: ts.EntityName): string {
  return ts.isIdentifier(q) ? q.text : leftmost(q.left);
}

export interface UnusedExport {
  /** Repository-relative, '/'-separated. */
  file: string;
  name: string;
  line: number;
  /** 'dead': not used at all; 'local': used only in its own file (drop the `export`). */
  kind: 'dead' | 'local';
  typeOnly: boolean;
}

/** Exports of src/ files that no other file of the repository imports. */
export function unusedExports(root: string): UnusedExport[] {
  const used = new Map<string, Set<string>>();
  const exported = new Map<string, { infos: Map<string, ExportInfo>; local: Set<string> }>();
  const srcDir = join(root, 'src') + sep;
  for (const dir of CONSUMER_DIRS) {
    for (const file of files(join(root, dir))) {
      const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      usesOf(file, sf, used);
      if (file.startsWith(srcDir)) {
        const infos = exportsOf(sf);
        exported.set(file, { infos, local: usedLocally(sf, infos.keys()) });
      }
    }
  }
  const out: UnusedExport[] = [];
  for (const [file, { infos, local }] of exported) {
    const taken = used.get(file);
    if (taken?.has(ALL)) continue;
    for (const [name, { line, typeOnly }] of infos) {
      if (!taken?.has(name)) out.push({ file: relative(root, file).split(sep).join('/'), name, line, kind: local.has(name) ? 'local' : 'dead', typeOnly });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

if (require.main === module) {
  for (const u of unusedExports(resolve(__dirname, '../..'))) process.stdout.write(`${u.kind}${u.typeOnly ? ' type' : ''} ${u.file}:${u.line} ${u.name}\n`);
}
