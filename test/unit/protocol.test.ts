import assert from 'node:assert/strict';
import { isSafeExternalLink, parseHostMessage, parseWebviewMessage } from '../../src/protocol/messages';

describe('protocol: webview → host messages', () => {
  it('accepts a well-formed chat/send with a selection chip', () => {
    const r = parseWebviewMessage({
      type: 'chat/send',
      text: 'What does this do?',
      chips: [{ kind: 'selection', id: 'c1', path: 'src/a.ts', startLine: 3, endLine: 9, language: 'typescript', text: 'const a = 1;' }],
    });
    assert.equal(r.ok, true);
    if (r.ok) assert.equal(r.message.type, 'chat/send');
  });

  const malformed: Array<[string, unknown]> = [
    ['not an object', 'chat/send'],
    ['null', null],
    ['unknown type', { type: 'chat/hack' }],
    ['missing text', { type: 'chat/send', chips: [] }],
    ['empty text', { type: 'chat/send', text: '', chips: [] }],
    ['chip of unknown kind', { type: 'chat/send', text: 'x', chips: [{ kind: 'shell', id: 'a' }] }],
    ['selection with line 0', { type: 'chat/send', text: 'x', chips: [{ kind: 'selection', id: 'a', path: 'a', startLine: 0, endLine: 1, text: '' }] }],
    ['stop without conversation', { type: 'chat/stop' }],
    ['bad tool decision', { type: 'tool/decide', callId: 'a', decision: 'forever' }],
    ['usage range out of bounds', { type: 'usage/request', rangeDays: 9999 }],
    ['fix action unknown', { type: 'action/run', fix: { action: 'rm -rf', label: 'x' } }],
    ['numeric href', { type: 'link/open', href: 42 }],
  ];
  for (const [name, raw] of malformed) {
    it(`rejects ${name}`, () => {
      const r = parseWebviewMessage(raw);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, /rejected/);
    });
  }

  it('names the type and the field in the rejection', () => {
    const r = parseWebviewMessage({ type: 'chat/rename', conversationId: 'c', title: 5 });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /chat\/rename.*title/);
  });
});

describe('protocol: host → webview messages', () => {
  it('accepts a delta and a done message with usage and unknown cost', () => {
    assert.equal(parseHostMessage({ type: 'chat/delta', conversationId: 'c', messageId: 'm', text: 'he' }).ok, true);
    const done = parseHostMessage({
      type: 'chat/done',
      conversationId: 'c',
      message: { id: 'm', role: 'assistant', content: 'hi', timeMs: 1, status: 'ok', costUsd: null, usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 } },
    });
    assert.equal(done.ok, true);
  });

  it('rejects a tool call with an unknown status and a negative token count', () => {
    assert.equal(parseHostMessage({ type: 'chat/toolCall', conversationId: 'c', messageId: 'm', call: { id: 't', name: 'x', arguments: '{}', status: 'exploded' } }).ok, false);
    assert.equal(
      parseHostMessage({ type: 'chat/done', conversationId: 'c', message: { id: 'm', role: 'assistant', content: '', timeMs: 1, usage: { inputTokens: -1, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } } }).ok,
      false,
    );
  });
});

describe('protocol: external links', () => {
  it('allows http(s) and mailto only', () => {
    assert.equal(isSafeExternalLink('https://example.com/a?b=c'), true);
    assert.equal(isSafeExternalLink('mailto:a@b.c'), true);
    assert.equal(isSafeExternalLink('javascript:alert(1)'), false);
    assert.equal(isSafeExternalLink('command:workbench.action.terminal.new'), false);
    assert.equal(isSafeExternalLink('file:///etc/passwd'), false);
    assert.equal(isSafeExternalLink('https://user:pw@example.com'), false);
    assert.equal(isSafeExternalLink('not a url'), false);
  });
});
