/**
 * Follow imports: a small hit that only re-exports or imports (`export { x } from './impl'`,
 * `import { x } from '../core/x'`, `const x = require('./x')`, `from .impl import x`) points at the
 * code that answers; the definition it names is added right after it. Relative specifiers only
 * (packages are not in the workspace), resolved against the files the index holds.
 */
import * as path from 'node:path';

export interface ImportTarget {
  /** Workspace-relative file the import resolves to. */
  path: string;
  /** Imported names (empty: the module as a whole). */
  names: string[];
}

const JS_FROM = /(?:import|export)\s+(?:type\s+)?(?:\{([^}]*)\}|\*(?:\s+as\s+\w+)?|(\w+))?\s*(?:,\s*\{([^}]*)\})?\s*from\s*['"](\.[^'"]+)['"]/g;
const JS_REQUIRE = /(?:const|let|var)\s+(?:\{([^}]*)\}|(\w+))\s*=\s*require\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const PY_FROM = /^[ \t]*from[ \t]+(\.+[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]+)/gm;
const JS_EXT = ['', '.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '/index.ts', '/index.js', '/index.tsx', '/index.mjs'];

function names(list: string | undefined): string[] {
  if (!list) return [];
  return list
    .split(',')
    .map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0].trim())
    .filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
}

/** The relative imports of a chunk of `fromPath`, resolved with `exists` (a path the index holds). */
export function importTargets(text: string, fromPath: string, exists: (p: string) => boolean): ImportTarget[] {
  const dir = path.posix.dirname(fromPath);
  const out: ImportTarget[] = [];
  const add = (candidates: string[], imported: string[]) => {
    const hit = candidates.find((c) => exists(c));
    if (hit && hit !== fromPath && !out.some((o) => o.path === hit)) out.push({ path: hit, names: imported });
  };
  const js = (spec: string) => {
    const base = path.posix.normalize(path.posix.join(dir, spec));
    // TypeScript sources import './x.js' for './x.ts'.
    const stem = base.replace(/\.(m|c)?js$/, '');
    return [...JS_EXT.map((e) => base + e), ...JS_EXT.map((e) => stem + e)];
  };
  for (const m of text.matchAll(JS_FROM)) add(js(m[4]), [...names(m[1]), ...names(m[3]), ...(m[2] ? [m[2]] : [])]);
  for (const m of text.matchAll(JS_REQUIRE)) add(js(m[3]), m[2] ? [m[2]] : names(m[1]));
  for (const m of text.matchAll(PY_FROM)) {
    const dots = /^\.+/.exec(m[1])![0].length;
    let base = dir;
    for (let i = 1; i < dots; i++) base = path.posix.dirname(base);
    const mod = m[1].slice(dots).replace(/\./g, '/');
    const target = path.posix.normalize(mod ? path.posix.join(base, mod) : base);
    add([`${target}.py`, `${target}/__init__.py`], names(m[2].replace(/[()]/g, '')));
  }
  return out;
}

/** A hit worth following: a few lines that are mostly imports and re-exports. */
export function isImportHub(text: string, maxLines = 15): boolean {
  const lines = text.split('\n').filter((l) => l.trim() && !/^\s*(\/\/|#|\/\*|\*)/.test(l));
  if (lines.length === 0 || lines.length > maxLines) return false;
  const imports = lines.filter((l) => /\b(import|export)\b.*\bfrom\b|require\(|^\s*from\s+\.|^\s*[}\w,\s]+\}?\s*from\s+['"]/.test(l)).length;
  return imports > 0 && imports * 2 >= lines.length;
}
