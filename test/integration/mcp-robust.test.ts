/**
 * The MCP hub against a hostile real stdio server (test/fixtures/mcp/hostile-server.mjs, written
 * with @modelcontextprotocol/sdk): broken tool definitions are skipped by name and the rest stay
 * usable; a flood of list_changed notifications costs a bounded number of tools/list requests;
 * a hub without a reconnect loop (the CLI's) does not promise reconnects.
 */
import assert from 'node:assert/strict';
import { McpCallError, McpHub, type McpHubOptions } from '../../src/core/mcp/hub';
import type { Logger } from '../../src/core/logger';
import { fixture, nodeSpec, waitFor } from '../fixtures/mcp/testUtils';

const textOf = (r: { content: Array<{ type: string; text?: string }> }) => r.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');

describe('MCP hub: hostile servers', function () {
  this.timeout(40_000);
  let warnings: string[];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const options = (extra: Partial<McpHubOptions> = {}): McpHubOptions => ({
    logger,
    loginShellPath: async () => undefined,
    reconnect: { baseMs: 50, maxMs: 200, maxAttempts: 3, stableMs: 60_000 },
    ...extra,
  });
  beforeEach(() => {
    warnings = [];
  });

  it('skips each tool with an invalid definition, naming it, and keeps the valid ones', async () => {
    const hub = new McpHub(options());
    try {
      await hub.update([nodeSpec('hostile', fixture('hostile-server.mjs'))]);
      const status = hub.server('hostile')!;
      assert.equal(status.state, 'connected', status.lastError);
      assert.deepEqual(status.tools.map((t) => t.name), ['echo', 'flood', 'count_lists']);
      assert.equal(status.skippedTools.length, 3);
      assert.match(status.skippedTools[0], /tool "broken_input" skipped: .*inputSchema/);
      assert.match(status.skippedTools[1], /tool "broken_output" skipped: its outputSchema is not a valid JSON Schema/);
      assert.match(status.skippedTools[2], /tool #4 \(no name\) skipped/);
      for (const name of ['broken_input', 'broken_output']) assert.ok(warnings.some((w) => w.includes(`"${name}"`) && /hostile/.test(w)), warnings.join('\n'));
      assert.match(textOf(await hub.callTool('hostile', 'echo', { text: 'still here' })), /echo: still here/);
    } finally {
      await hub.dispose();
    }
  });

  it('coalesces a flood of 5,000 tools/list_changed notifications into a few re-lists, without MaxListenersExceededWarning', async () => {
    const processWarnings: string[] = [];
    const onWarning = (w: Error) => processWarnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const hub = new McpHub(options({ listChangedDebounceMs: 100 }));
    try {
      const spec = nodeSpec('hostile', fixture('hostile-server.mjs'));
      if (spec.transport.type === 'stdio') spec.transport.env = { FLOOD: '5000', ONLY_VALID: '1' };
      await hub.update([spec]);
      assert.equal(hub.server('hostile')!.state, 'connected');
      let changes = 0;
      const off = hub.onDidChange(() => changes++);
      assert.match(textOf(await hub.callTool('hostile', 'flood', {})), /sent 5000/);
      await waitFor(hub, () => changes > 0, 'a re-list after the flood');
      await new Promise((r) => setTimeout(r, 600)); // any trailing re-list has run
      off();
      const lists = Number(textOf(await hub.callTool('hostile', 'count_lists', {})));
      // 1 at connect + at most a few coalesced re-lists (5,001 before coalescing).
      assert.ok(lists >= 2 && lists <= 5, `tools/list requests served: ${lists}`);
      assert.deepEqual(hub.server('hostile')!.tools.map((t) => t.name), ['echo', 'flood', 'count_lists']);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(processWarnings.filter((w) => /MaxListeners/.test(w)), []);
    } finally {
      process.off('warning', onWarning);
      await hub.dispose();
    }
  });

  it('a hub without reconnects (the CLI) says the crashed server is not restarted, and promises no reconnect', async () => {
    const hub = new McpHub(options({ reconnect: { maxAttempts: 0 } }));
    try {
      await hub.update([nodeSpec('flaky', fixture('flaky-server.mjs'))]);
      await assert.rejects(hub.callTool('flaky', 'crash', {}), (e: unknown) => {
        assert.ok(e instanceof McpCallError && e.kind === 'disconnected', String(e));
        assert.doesNotMatch(e.message, /reconnect/i);
        assert.match(e.message, /not restarted during this run/);
        return true;
      });
      await waitFor(hub, () => hub.server('flaky')!.state === 'error', 'the error state');
      const lastError = hub.server('flaky')!.lastError ?? '';
      assert.doesNotMatch(lastError, /reconnect attempts|Restart/);
      assert.match(lastError, /not restarted during this run/);
    } finally {
      await hub.dispose();
    }
  });
});
