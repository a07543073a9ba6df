/**
 * The hub reconciles running servers against the config, with real servers from the npm registry
 * (server-everything, server-filesystem): a changed server restarts while an unchanged one keeps
 * its very process, a removed server's process is gone when update() resolves, and dispose()
 * leaves no child process behind — also for a server still in its handshake.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { McpServerSpec } from '../../src/core/mcp/config';
import { McpHub, type McpServerState } from '../../src/core/mcp/hub';
import { silentLogger } from '../../src/core/logger';
import { everythingBin, filesystemBin, fixture, nodeSpec, until } from '../fixtures/mcp/testUtils';

const textOf = (r: { content: Array<{ type: string; text?: string }> }) => r.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');

/** Whether a process with this id exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** This test process's child processes whose command line contains `marker`. */
function childrenWith(marker: string): string[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch (err) {
    out = (err as { stdout?: string }).stdout ?? ''; // ps exits 1 when there is no child at all
  }
  return out.split('\n').filter((line) => line.includes(marker));
}

function withEnv(spec: McpServerSpec, env: Record<string, string>): McpServerSpec {
  if (spec.transport.type !== 'stdio') throw new Error('stdio spec expected');
  return { ...spec, transport: { ...spec.transport, env } };
}

describe('MCP hub: reconciling servers against the config (real servers)', function () {
  this.timeout(40_000);
  let dirA: string;
  let dirB: string;
  let hub: McpHub;

  beforeEach(async () => {
    dirA = await mkdtemp(path.join(tmpdir(), 'sy-mcp-reconcile-a-'));
    dirB = await mkdtemp(path.join(tmpdir(), 'sy-mcp-reconcile-b-'));
    hub = new McpHub({ logger: silentLogger, loginShellPath: async () => undefined, reconnect: { baseMs: 50, maxMs: 200, maxAttempts: 3, stableMs: 60_000 } });
  });
  afterEach(async () => {
    await hub.dispose();
    await rm(dirA, { recursive: true, force: true });
    await rm(dirB, { recursive: true, force: true });
  });

  it('restarts only the changed server; the unchanged one keeps its process and never leaves "connected"', async () => {
    const everything = withEnv(nodeSpec('everything', everythingBin, ['stdio']), { SY_FIRST: '1', SY_SECOND: '2' });
    await hub.update([everything, nodeSpec('fs', filesystemBin, [dirA])]);
    const before = { everything: hub.server('everything')!, fs: hub.server('fs')! };
    assert.equal(before.everything.state, 'connected', before.everything.lastError);
    assert.equal(before.fs.state, 'connected', before.fs.lastError);
    const [everythingPid, oldFsPid] = [before.everything.pid!, before.fs.pid!];
    assert.ok(everythingPid && oldFsPid);

    const everythingStates: McpServerState[] = [];
    const off = hub.onDidChange((name) => name === 'everything' && everythingStates.push(hub.server(name)!.state));
    // "everything": a new object, its env in another key order and a tool disabled — the same launch.
    // "fs": another allowed directory — a different launch.
    const sameLaunch = { ...withEnv(everything, { SY_SECOND: '2', SY_FIRST: '1' }), disabledTools: ['echo'] };
    await hub.update([sameLaunch, nodeSpec('fs', filesystemBin, [dirB])]);
    off();

    const after = { everything: hub.server('everything')!, fs: hub.server('fs')! };
    assert.equal(after.everything.pid, everythingPid, 'the unchanged server kept its process');
    assert.ok(alive(everythingPid));
    assert.deepEqual(everythingStates.filter((s) => s !== 'connected'), [], 'the unchanged server was not restarted');
    assert.ok(!hub.tools().some((t) => t.server === 'everything' && t.tool === 'echo'), 'its disabled tool applied in place');
    assert.match(textOf(await hub.callTool('everything', 'get-sum', { a: 1, b: 2 })), /3/);

    assert.equal(after.fs.state, 'connected', after.fs.lastError);
    assert.notEqual(after.fs.pid, oldFsPid, 'the changed server runs a new process');
    assert.equal(alive(oldFsPid), false, 'the old process exited before update() resolved');
    const allowed = textOf(await hub.callTool('fs', 'list_allowed_directories', {}));
    assert.ok(allowed.includes(path.basename(dirB)) && !allowed.includes(path.basename(dirA)), allowed);
  });

  it('stops the process of a server removed from the config, and only that one', async () => {
    await hub.update([nodeSpec('everything', everythingBin, ['stdio']), nodeSpec('fs', filesystemBin, [dirA])]);
    const [everythingPid, fsPid] = [hub.server('everything')!.pid!, hub.server('fs')!.pid!];
    assert.ok(alive(fsPid));
    await hub.update([nodeSpec('everything', everythingBin, ['stdio'])]);
    assert.equal(hub.server('fs'), undefined);
    assert.equal(alive(fsPid), false, 'the removed server\'s process is gone');
    assert.deepEqual(childrenWith(dirA), []);
    assert.equal(hub.server('everything')!.pid, everythingPid);
    assert.equal(hub.server('everything')!.state, 'connected');
  });

  it('dispose leaves no child process: connected servers and one still in its handshake', async () => {
    const silentMarker = path.join(dirB, 'silent-marker');
    const slowHub = new McpHub({ logger: silentLogger, loginShellPath: async () => undefined, connectTimeoutMs: 30_000 });
    await slowHub.update([nodeSpec('everything', everythingBin, ['stdio']), nodeSpec('fs', filesystemBin, [dirA])]);
    const pids = slowHub.status().map((s) => s.pid!);
    assert.equal(pids.filter(Boolean).length, 2);
    // The silent server never answers the handshake: its start is still in flight at dispose.
    const starting = slowHub.update([nodeSpec('everything', everythingBin, ['stdio']), nodeSpec('fs', filesystemBin, [dirA]), nodeSpec('silent', fixture('silent-server.mjs'), [silentMarker])]);
    await until(() => slowHub.server('silent')?.state === 'starting' && childrenWith(silentMarker).length === 1, 'the silent server\'s process');
    await slowHub.dispose();
    await starting;
    for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} still runs`);
    assert.deepEqual(childrenWith(dirA), []);
    assert.deepEqual(childrenWith(silentMarker), []);
    assert.deepEqual(slowHub.status(), []);
  });

  it('a server removed while it is still starting does not start afterwards', async () => {
    const marker = path.join(dirA, 'never-started');
    const starting = hub.update([nodeSpec('fs', filesystemBin, [dirA, marker])]);
    await hub.update([]);
    await starting;
    await new Promise((r) => setTimeout(r, 300)); // time for a stray launch to show up
    assert.deepEqual(childrenWith(marker), []);
    assert.deepEqual(hub.status(), []);
  });
});
