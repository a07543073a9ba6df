import assert from 'node:assert/strict';
import type { ApprovalChoice, ToolApprovalRequest } from '../../src/core/mcp/approval';
import { ApprovalBroker } from '../../src/host/panel/approvals';
import { contentSecurityPolicy, renderPanelHtml } from '../../src/host/panel/html';

const req = (toolName: string): ToolApprovalRequest => ({ toolName, server: 'gh', tool: toolName.replace(/^gh__/, ''), arguments: { q: 'x' } });

describe('chat: tool approval from the Chat tab', () => {
  it('resolves the prompt with the button the user clicked for that call', async () => {
    const fallbacks: string[] = [];
    const broker = new ApprovalBroker(async (r) => (fallbacks.push(r.toolName), 'deny'), () => true);
    broker.observe({ id: 'c1', name: 'gh__search', arguments: '{}', status: 'requested' });
    const p = broker.prompt(req('gh__search'));
    assert.equal(broker.decide('c1', 'session'), true);
    assert.equal(await p, 'session');
    assert.deepEqual(fallbacks, []);
    assert.equal(broker.decide('c1', 'once'), false, 'a call is decided once');
  });

  it('keeps a click that came before the prompt asked', async () => {
    const broker = new ApprovalBroker(async () => 'deny', () => true);
    broker.observe({ id: 'c2', name: 'gh__read', arguments: '{}', status: 'requested' });
    assert.equal(broker.decide('c2', 'always'), true);
    assert.equal(await broker.prompt(req('gh__read')), 'always');
  });

  it('falls back to the host prompt when no panel shows the call', async () => {
    let visible = false;
    const broker = new ApprovalBroker(async () => 'once' as ApprovalChoice, () => visible);
    broker.observe({ id: 'c3', name: 'gh__x', arguments: '{}', status: 'requested' });
    assert.equal(await broker.prompt(req('gh__x')), 'once');
    visible = true;
    assert.equal(await broker.prompt(req('gh__unknown')), 'once', 'unknown call → fallback');
  });

  it('binds each prompt to its own call by id, even for two calls of the same tool shown by MCP name', async () => {
    const broker = new ApprovalBroker(async () => 'deny', () => true);
    broker.observe({ id: 'a', name: 'echo', server: 'everything', arguments: '{"message":"1"}', status: 'requested' });
    broker.observe({ id: 'b', name: 'echo', server: 'everything', arguments: '{"message":"2"}', status: 'requested' });
    const second = broker.prompt({ callId: 'b', toolName: 'everything__echo', server: 'everything', tool: 'echo', arguments: { message: '2' } });
    const first = broker.prompt({ callId: 'a', toolName: 'everything__echo', server: 'everything', tool: 'echo', arguments: { message: '1' } });
    assert.ok(broker.decide('a', 'once'));
    assert.ok(broker.decide('b', 'session'));
    assert.equal(await first, 'once');
    assert.equal(await second, 'session');
  });

  it('answers undefined (deny) when the turn is cancelled while waiting', async () => {
    const broker = new ApprovalBroker(async () => 'once', () => true);
    broker.observe({ id: 'c4', name: 'gh__y', arguments: '{}', status: 'requested' });
    const ctl = new AbortController();
    const p = broker.prompt(req('gh__y'), ctl.signal);
    ctl.abort();
    assert.equal(await p, undefined);
  });
});

describe('chat: panel HTML', () => {
  it('allows only nonce scripts and local styles, nothing remote', () => {
    const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abc123');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const html = renderPanelHtml({ cspSource: 'vscode-resource:', scriptUri: 'x/main.js', styleUri: 'x/main.css', nonce: 'n1' });
    assert.match(html, /<script nonce="n1" src="x\/main.js"><\/script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });

  it('makes a fresh nonce per render', () => {
    const a = renderPanelHtml({ cspSource: 's', scriptUri: 'a', styleUri: 'b' });
    const b = renderPanelHtml({ cspSource: 's', scriptUri: 'a', styleUri: 'b' });
    const nonce = (h: string) => /nonce="([^"]+)"/.exec(h)![1];
    assert.notEqual(nonce(a), nonce(b));
    assert.ok(nonce(a)!.length >= 16);
  });
});
