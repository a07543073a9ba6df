/**
 * The panel's dispatch table against the webview protocol: every inbound kind has exactly one
 * handler in one area module, and a message that fails validation (unknown kind, bad field, not
 * an object) is rejected with a logged reason before any handler runs, never throwing.
 */
import '../support/fakeVscode';
import '../webview/fakeVscodeWebview';
import assert from 'node:assert/strict';
import { silentLogger, type Logger } from '../../src/core/logger';
import type { HostServices } from '../../src/host/hostServices';
import { PanelConnections, type Connection } from '../../src/host/panel/connections';
import { HANDLERS_BY_AREA, MESSAGE_HANDLERS, receive } from '../../src/host/panel/dispatch';
import type { PanelContext } from '../../src/host/panel/handlers/types';
import { createPanelQuestions } from '../../src/host/panel/questions';
import { webviewMessageSchema, type HostMessage } from '../../src/protocol/messages';

/** The `type` literal of every message the webview may send, read from the protocol's schema. */
function protocolKinds(): string[] {
  type Literal = { _zod: { def: { shape: { type: { _zod: { def: { values: string[] } } } } } } };
  const options = (webviewMessageSchema as unknown as { _zod: { def: { options: Literal[] } } })._zod.def.options;
  return options.flatMap((o) => o._zod.def.shape.type._zod.def.values);
}

describe('panel: dispatch table', () => {
  it('has one handler for every message kind of the protocol, and none for a kind it lacks', () => {
    const kinds = protocolKinds();
    assert.ok(kinds.length >= 28, `the protocol lists ${kinds.length} kinds`);
    assert.deepEqual(Object.keys(MESSAGE_HANDLERS).sort(), [...kinds].sort());
    for (const kind of kinds) assert.equal(typeof MESSAGE_HANDLERS[kind as keyof typeof MESSAGE_HANDLERS], 'function', kind);
  });

  it('puts each kind in exactly one area module (a kind handled twice would silently override)', () => {
    const seen = new Map<string, string>();
    for (const [area, handlers] of Object.entries(HANDLERS_BY_AREA)) {
      for (const kind of Object.keys(handlers)) {
        assert.equal(seen.get(kind), undefined, `${kind} is handled in ${seen.get(kind)} and ${area}`);
        seen.set(kind, area);
      }
    }
    assert.equal(seen.size, Object.keys(MESSAGE_HANDLERS).length);
  });

  describe('receive', () => {
    let warnings: string[];
    let errors: string[];
    let posted: HostMessage[];
    let stopped: string[];
    let panel: PanelContext;
    let conn: Connection;

    beforeEach(() => {
      warnings = [];
      errors = [];
      posted = [];
      stopped = [];
      const logger: Logger = { ...silentLogger, warn: (m) => void warnings.push(m), error: (m) => void errors.push(m) };
      const core = { traceStore: { find: async () => undefined } };
      const services = { logger, core } as unknown as HostServices;
      const connections = new PanelConnections();
      conn = { webview: { postMessage: async (m: HostMessage) => (posted.push(m), true) }, visible: () => true, ready: true };
      connections.add(conn);
      const chat = { stop: (id: string) => void stopped.push(id) } as unknown as PanelContext['chat'];
      panel = { services, chat, connections, questions: createPanelQuestions(connections), sources: {} } as unknown as PanelContext;
    });

    const rejected: Array<[string, unknown, RegExp]> = [
      ['an unknown kind', { type: 'chat/launchMissiles' }, /"chat\/launchMissiles" rejected/],
      ['a missing field', { type: 'chat/stop' }, /"chat\/stop" rejected: conversationId/],
      ['a field of the wrong type', { type: 'chat/stop', conversationId: 42 }, /"chat\/stop" rejected: conversationId/],
      ['no type', { conversationId: 'c1' }, /"\(no type\)" rejected/],
      ['not an object', 'ready', /"\(no type\)" rejected/],
      ['null', null, /"\(no type\)" rejected/],
    ];
    for (const [what, raw, reason] of rejected) {
      it(`rejects ${what} with a logged reason, runs no handler and does not throw`, async () => {
        await receive(panel, conn, raw);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0]!, reason);
        assert.deepEqual(stopped, []);
        assert.deepEqual(posted, []);
        assert.deepEqual(errors, []);
      });
    }

    it('runs the handler of a valid message', async () => {
      await receive(panel, conn, { type: 'chat/stop', conversationId: 'c1' });
      assert.deepEqual(stopped, ['c1']);
      assert.deepEqual(warnings, []);
    });

    it('turns a failing handler into a logged error and a toast in the page that asked, without throwing', async () => {
      await receive(panel, conn, { type: 'traces/copy', traceId: 'gone' });
      assert.match(errors[0]!, /traces\/copy failed: Trace gone is no longer in the store/);
      assert.deepEqual(posted, [{ type: 'toast', level: 'error', text: 'Trace gone is no longer in the store.' }]);
    });

    it('answers a decision for a tool call that waits for nothing with a warning toast', async () => {
      await receive(panel, conn, { type: 'tool/decide', callId: 'nope', decision: 'once' });
      assert.deepEqual(posted, [{ type: 'toast', level: 'warn', text: 'That tool call is no longer waiting for approval.' }]);
    });
  });
});
