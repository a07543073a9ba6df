/**
 * The webview's pure text rules in plain Node: hidden characters made visible (revealInvisibles)
 * and the block splitter / parser bounds behind incremental rendering (markdownBlocks).
 */
import assert from 'node:assert/strict';
import { blockLimitViolation, splitBlocks } from '../../webview-ui/src/markdownBlocks';
import { revealInvisibles } from '../../webview-ui/src/visible';

describe('revealInvisibles', () => {
  const cases: Array<[string, string, string]> = [
    ['bidi override in a file name', 'invoice\u202Egnp.ts', 'invoice⟨U+202E⟩gnp.ts'],
    ['isolates and marks', 'a\u2066b\u2069c\u200Fd', 'a⟨U+2066⟩b⟨U+2069⟩c⟨U+200F⟩d'],
    ['zero-width space and BOM', 'read\u200Bfi\uFEFFle', 'read⟨U+200B⟩fi⟨U+FEFF⟩le'],
    ['tag characters (hidden ASCII)', `x${String.fromCodePoint(0xe0068, 0xe0069)}`, 'x⟨U+E0068⟩⟨U+E0069⟩'],
    ['a joiner between Latin letters', 'ad\u200Dmin', 'ad⟨U+200D⟩min'],
    ['C0 and C1 controls', 'a\u0007b\u009Bc', 'a⟨U+0007⟩b⟨U+009B⟩c'],
    ['tab, newline and carriage return stay', 'a\tb\nc\r\n', 'a\tb\nc\r\n'],
    ['an emoji ZWJ sequence stays', '👩\u200D💻 and ❤\uFE0F', '👩\u200D💻 and ❤\uFE0F'],
    ['a joiner inside a Persian word stays', 'می\u200Cخواهم', 'می\u200Cخواهم'],
    ['a run of variation selectors is hidden data', `a\uFE0F\uFE00\uFE01`, 'a\uFE0F⟨U+FE00⟩⟨U+FE01⟩'],
    ['plain text is returned as is', 'nothing hidden here', 'nothing hidden here'],
  ];
  for (const [name, input, shown] of cases) it(name, () => assert.equal(revealInvisibles(input), shown));

  it('summarises a long run instead of multiplying its size', () => {
    const shown = revealInvisibles(`a${'\u200B'.repeat(10_000)}b`);
    assert.equal(shown, `a${'⟨U+200B⟩'.repeat(8)}⟨9992 more invisible⟩b`);
  });

  it('is idempotent (escapes contain nothing to escape)', () => {
    const once = revealInvisibles('x\u202Ey');
    assert.equal(revealInvisibles(once), once);
  });
});

describe('markdown blocks and parser bounds', () => {
  const doc = Array.from({ length: 200 }, (_, i) => `## Part ${i}\n\nText *${i}*.\n\n- a\n  - b\n\n\`\`\`ts\nconst x = ${i};\n\n\nconst y = 2;\n\`\`\`\n`).join('\n');

  it('joins back to the whole answer, and never cuts inside a code fence', () => {
    const blocks = splitBlocks(doc);
    assert.ok(blocks.length > 5, `${blocks.length} blocks`);
    assert.equal(blocks.map((b) => b.text).join(''), doc);
    for (const b of blocks) assert.equal((b.text.match(/^```/gm) ?? []).length % 2, 0, 'fences balanced in each block');
  });

  it('gives the same blocks when an answer is split as it streams (finished blocks never change)', () => {
    let blocks = splitBlocks('');
    let md = '';
    for (let i = 0; i < doc.length; i += 137) {
      md = doc.slice(0, i + 137);
      const last = blocks.at(-1)!;
      blocks = [...blocks.slice(0, -1), ...splitBlocks(md, last.start)];
    }
    assert.deepEqual(blocks, splitBlocks(doc));
  });

  it('collects reference-link definitions for the whole answer', () => {
    const blocks = splitBlocks(`${'x'.repeat(3000)}\n\nSee [the docs][d].\n\n[d]: https://example.com/docs\n`);
    assert.deepEqual(blocks.flatMap((b) => b.definitions), ['[d]: https://example.com/docs']);
  });

  const bounded: Array<[string, string, RegExp]> = [
    ['10,000 nested quotes', `${'>'.repeat(10_000)} x`, /nested more than/],
    ['1,000-level nested list', Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n'), /nested more than/],
    ['quadratic emphasis', '_*a'.repeat(1000), /emphasis markers/],
    ['a 100 kB paragraph', 'word '.repeat(20_000), /longer than/],
  ];
  for (const [name, text, reason] of bounded) it(`shows ${name} as plain text`, () => assert.match(blockLimitViolation(text) ?? '', reason));

  const allowed: Array<[string, string]> = [
    ['ordinary markdown', doc.slice(0, 2000)],
    ['quotes and lists a few levels deep', '> - a\n>   - b\n>     > c'],
    ['snake_case inside code spans', Array.from({ length: 300 }, () => '`__init__`').join(' ')],
    ['a 1 MB fenced code block', `\`\`\`\n${'let a_b = c * d;\n'.repeat(60_000)}\`\`\``],
  ];
  for (const [name, text] of allowed) it(`parses ${name}`, () => assert.equal(blockLimitViolation(text), undefined));
});
