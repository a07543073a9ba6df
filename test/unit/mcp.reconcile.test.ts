/** The reconcile plan (desired set against running set, by normalized spec) and the launch store it relies on. */
import assert from 'node:assert/strict';
import type { McpServerSpec } from '../../src/core/mcp/config';
import { launchKey, planReconcile } from '../../src/core/mcp/reconcile';
import { DisposableStore } from '../../src/core/util/disposables';

function spec(name: string, extra: Partial<McpServerSpec> = {}, env: Record<string, string> = {}): McpServerSpec {
  return { name, source: { kind: 'settings' }, transport: { type: 'stdio', command: 'node', args: [`${name}.js`], env }, disabled: false, disabledTools: [], ...extra };
}

const running = (...entries: Array<[McpServerSpec, string?]>) => new Map(entries.map(([s, blocked]) => [s.name, launchKey(s, blocked)]));
const names = (specs: McpServerSpec[]) => specs.map((s) => s.name);

describe('MCP reconcile plan', () => {
  it('starts new servers, stops removed ones, restarts changed ones and keeps the rest', () => {
    const plan = planReconcile(running([spec('same')], [spec('changed')], [spec('removed')]), [
      spec('same'),
      spec('changed', { transport: { type: 'stdio', command: 'node', args: ['other.js'], env: {} } }),
      spec('new'),
    ]);
    assert.deepEqual(names(plan.keep), ['same']);
    assert.deepEqual(names(plan.restart), ['changed']);
    assert.deepEqual(names(plan.start), ['new']);
    assert.deepEqual(plan.stop, ['removed']);
  });

  it('compares the normalized spec: env key order, disabled tools and source do not restart a server', () => {
    const before = spec('a', {}, { X: '1', Y: '2' });
    const after = spec('a', { disabledTools: ['t'], source: { kind: 'workspace', path: '.vscode/mcp.json' } }, { Y: '2', X: '1' });
    assert.deepEqual(names(planReconcile(running([before]), [after]).keep), ['a']);
  });

  it('restarts on a change of enablement or of being blocked, not of the block reason\'s wording', () => {
    const a = spec('a');
    assert.deepEqual(names(planReconcile(running([a]), [{ ...a, disabled: true }]).restart), ['a']);
    assert.deepEqual(names(planReconcile(running([a]), [a], { a: 'untrusted workspace' }).restart), ['a']);
    assert.deepEqual(names(planReconcile(running([a, 'untrusted workspace']), [a], { a: 'waiting for confirmation' }).keep), ['a']);
    assert.deepEqual(names(planReconcile(running([a, 'untrusted workspace']), [a]).restart), ['a']);
  });

  it('an empty config stops everything', () => {
    assert.deepEqual(planReconcile(running([spec('a')], [spec('b')]), []).stop, ['a', 'b']);
  });
});

describe('DisposableStore', () => {
  it('releases newest first, waits for asynchronous releases, and releases late additions at once', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add({ dispose: () => void order.push('first') });
    store.add({ dispose: () => new Promise<void>((r) => setTimeout(() => (order.push('slow'), r()), 30)) });
    store.add({ dispose: () => void order.push('last') });
    await store.dispose();
    assert.deepEqual(order, ['last', 'first', 'slow']);
    assert.equal(store.isDisposed, true);
    store.add({ dispose: () => void order.push('late') });
    await new Promise((r) => setImmediate(r));
    assert.equal(order.at(-1), 'late');
  });

  it('cancels pending timers on dispose; a timer that fired leaves the store', async () => {
    const fired: string[] = [];
    const store = new DisposableStore();
    store.timeout(() => fired.push('early'), 1);
    store.timeout(() => fired.push('late'), 50);
    await new Promise((r) => setTimeout(r, 15));
    assert.equal((store as unknown as { items: unknown[] }).items.length, 1, 'the fired timer is no longer held');
    await store.dispose();
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(fired, ['early']);
  });
});
