import assert from 'node:assert/strict';
import { textToInsert } from '../../src/host/panel/insertText';

const code = 'const x = 1;\nconsole.log(x);\n';

describe('panel: Insert puts a code block on lines of its own', () => {
  it('after text on the cursor line: starts a new line instead of gluing to it', () => {
    assert.equal(textToInsert(code, { before: 'function f() {', after: '', eol: '\n' }), '\nconst x = 1;\nconsole.log(x);');
  });
  it('before text on the cursor line: ends with a line break so that text stays on its own line', () => {
    assert.equal(textToInsert(code, { before: '', after: 'return;', eol: '\n' }), 'const x = 1;\nconsole.log(x);\n');
  });
  it('in the middle of a line: breaks on both sides', () => {
    assert.equal(textToInsert('a()', { before: 'x = ', after: ' + 1', eol: '\n' }), '\na()\n');
  });
  it('on an empty or indented-only line: the code as is, without its final newline', () => {
    assert.equal(textToInsert(code, { before: '    ', after: '', eol: '\n' }), 'const x = 1;\nconsole.log(x);');
  });
  it('uses the document line break (CRLF)', () => {
    assert.equal(textToInsert(code, { before: 'x;', after: '', eol: '\r\n' }), '\r\nconst x = 1;\r\nconsole.log(x);');
  });
});
