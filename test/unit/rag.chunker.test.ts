/** Tree-sitter chunking with the real WASM grammars: one case per language, plus the line-window fallback. */
import assert from 'node:assert/strict';
import { locateRagAssets } from '../../src/core/rag/assets';
import { Chunker } from '../../src/core/rag/chunk/chunker';
import { silentLogger } from '../../src/core/logger';

// Each case: a file, and the symbols its chunks must carry (in order) with small chunk limits.
const CASES: { file: string; source: string; symbols: string[]; language: string }[] = [
  {
    file: 'a.ts', language: 'typescript',
    source: `import { x } from './x';\n\n/** Adds. */\nexport function add(a: number, b: number): number {\n  const sum = a + b;\n  return sum;\n}\n\nexport class Cart {\n  items: number[] = [];\n  total(): number {\n    let t = 0;\n    for (const i of this.items) t += i;\n    return t;\n  }\n  clear(): void {\n    this.items = [];\n    return;\n  }\n}\n`,
    symbols: ['', 'add', 'Cart', 'Cart.total', 'Cart.clear'],
  },
  {
    file: 'b.tsx', language: 'typescriptreact',
    source: `export const Button = (p: { label: string }) => {\n  const l = p.label;\n  return <button>{l}</button>;\n};\n\nexport function Panel() {\n  const a = 1;\n  return <div>{a}</div>;\n}\n`,
    symbols: ['Button', 'Panel'],
  },
  {
    file: 'c.js', language: 'javascript',
    source: `function parse(s) {\n  const t = s.trim();\n  return t;\n}\n\nconst fmt = (n) => {\n  const v = String(n);\n  return v;\n};\n`,
    symbols: ['parse', 'fmt'],
  },
  {
    file: 'd.py', language: 'python',
    source: `import os\n\n\nclass Store:\n    def get(self, k):\n        v = self.d[k]\n        return v\n\n    @staticmethod\n    def make():\n        s = Store()\n        return s\n`,
    symbols: ['', 'Store.get', 'Store.make'],
  },
  {
    file: 'e.go', language: 'go',
    source: `package main\n\ntype Server struct {\n\tport int\n\thost string\n}\n\nfunc (s *Server) Start() error {\n\tx := 1\n\t_ = x\n\treturn nil\n}\n`,
    symbols: ['', 'Server', 'Start'],
  },
  {
    file: 'f.rs', language: 'rust',
    source: `struct Point {\n    x: i32,\n    y: i32,\n}\n\nfn distance(a: &Point) -> i32 {\n    let d = a.x + a.y;\n    d\n}\n`,
    symbols: ['Point', 'distance'],
  },
  {
    file: 'G.java', language: 'java',
    source: `public class G {\n  public int add(int a, int b) {\n    int s = a + b;\n    return s;\n  }\n  public int sub(int a, int b) {\n    int s = a - b;\n    return s;\n  }\n}\n`,
    symbols: ['G.add', 'G.sub'],
  },
  {
    file: 'h.c', language: 'c',
    source: `#include <stdio.h>\n\nstatic int square(int x) {\n  int y = x * x;\n  return y;\n}\n\nint main(void) {\n  int r = square(2);\n  return r;\n}\n`,
    symbols: ['', 'square', 'main'],
  },
  {
    file: 'i.cpp', language: 'cpp',
    source: `namespace geo {\nint area(int w, int h) {\n  int a = w * h;\n  return a;\n}\nint perimeter(int w, int h) {\n  int p = 2 * (w + h);\n  return p;\n}\n}\n`,
    symbols: ['geo.area', 'geo.perimeter'],
  },
];

describe('rag chunker (tree-sitter WASM grammars)', function () {
  this.timeout(20_000);
  const chunker = new Chunker({ ...locateRagAssets(), logger: silentLogger, maxLines: 5, maxChars: 2000 });
  after(() => chunker.dispose());

  for (const c of CASES) {
    it(`chunks ${c.language} (${c.file}) on symbol boundaries`, async () => {
      const chunks = await chunker.chunk(c.file, c.source);
      assert.deepEqual(chunks.map((ch) => ch.symbol), c.symbols, JSON.stringify(chunks.map((ch) => [ch.startLine, ch.endLine, ch.symbol])));
      assert.ok(chunks.every((ch) => ch.language === c.language && ch.path === c.file));
      const lines = c.source.split('\n');
      for (const ch of chunks) {
        assert.equal(ch.text, lines.slice(ch.startLine - 1, ch.endLine).join('\n'), 'text must be exactly its line range');
      }
      // every non-blank line is covered by some chunk
      lines.forEach((l, i) => {
        if (l.trim()) assert.ok(chunks.some((ch) => ch.startLine <= i + 1 && i + 1 <= ch.endLine), `line ${i + 1} "${l}" not covered`);
      });
    });
  }

  it('keeps a doc comment with the function it documents', async () => {
    const chunks = await chunker.chunk('a.ts', CASES[0].source);
    const add = chunks.find((c) => c.symbol === 'add')!;
    assert.match(add.text, /^\/\*\* Adds\. \*\/\nexport function add/);
  });

  it('uses overlapping line windows for files without a grammar', async () => {
    const text = Array.from({ length: 120 }, (_, i) => `line ${i + 1}`).join('\n');
    const windows = new Chunker({ ...locateRagAssets(), logger: silentLogger, windowLines: 50, windowOverlap: 10 });
    const chunks = await windows.chunk('notes.txt', text);
    windows.dispose();
    assert.deepEqual(chunks.map((c) => [c.startLine, c.endLine]), [[1, 50], [41, 90], [81, 120]]);
    assert.ok(chunks.every((c) => c.language === 'text' && c.symbol === ''));
  });

  it('gives unchanged chunks the same id and changed ones a new id', async () => {
    const a = await chunker.chunk('c.js', CASES[2].source);
    const b = await chunker.chunk('c.js', CASES[2].source.replace('String(n)', 'String(n + 1)'));
    assert.equal(a[0].id, b[0].id);
    assert.notEqual(a[1].id, b[1].id);
  });

  it('falls back to line windows when a grammar cannot be loaded', async () => {
    const warnings: string[] = [];
    const broken = new Chunker({ ...locateRagAssets(), grammarPath: () => '/nonexistent.wasm', logger: { ...silentLogger, warn: (m) => warnings.push(m) } });
    const chunks = await broken.chunk('x.py', 'def f():\n    return 1\n');
    broken.dispose();
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0].symbol, '');
    assert.match(warnings[0], /python grammar could not be loaded/);
  });
});
