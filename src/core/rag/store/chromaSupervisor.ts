/**
 * Runs and watches a local Chroma server (`chroma run` from the chromadb package's native binding)
 * as a child process: loopback only, a free port, heartbeat health checks, restart with backoff,
 * stopped on dispose, output to the logger's `chroma` scope. The server runs in a worker thread of a small Node
 * launcher so the launcher can exit when its parent (the extension host or CLI) goes away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, openSync, closeSync, writeFileSync, readFileSync, unlinkSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { scopedLogger, type Logger } from '../../logger';

/** The scope the supervisor and the server's own output log under (a host may give it its own channel). */
export const CHROMA_LOG_SCOPE = 'chroma';

export type ChromaServerState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'ready'; url: string; pid: number }
  | { kind: 'restarting'; attempt: number; reason: string }
  | { kind: 'failed'; message: string };

export interface ChromaSupervisorOptions {
  /** Absolute path of the chromadb-js-bindings-<platform> `.node` file. */
  bindingPath: string;
  /** Chroma's persistence directory. */
  dataDir: string;
  /** Logged to under CHROMA_LOG_SCOPE. */
  logger: Logger;
  /** Node executable to run the launcher (default: this process; Electron gets ELECTRON_RUN_AS_NODE). */
  execPath?: string;
  /** Preferred port (default: a free one). */
  port?: number;
  startTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Restarts allowed within `restartWindowMs` before the supervisor gives up. */
  maxRestarts?: number;
  restartWindowMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

// Runs the binding's `cli` in a worker so the main thread stays free to notice a dead parent.
// The launcher is the watchdog: its stdin is a pipe from the owner, which the OS closes however the
// owner ends (exit, signal, crash, kill -9); it also polls the parent pid. It then SIGKILLs itself:
// process.exit() would wait for the worker, which is blocked in the server's native call forever.
const LAUNCHER = `
const { Worker } = require('node:worker_threads');
const [binding, ...args] = process.argv.slice(1);
const die = (code) => { try { process.kill(process.pid, 'SIGKILL'); } catch {} process.exit(code); };
const w = new Worker('require(' + JSON.stringify(binding) + ').cli(' + JSON.stringify(['chroma', ...args]) + ')', { eval: true });
w.on('error', (e) => { console.error(String((e && e.stack) || e)); die(1); });
w.on('exit', (code) => die(code));
const parent = process.ppid;
process.stdin.on('end', () => die(0));
process.stdin.on('close', () => die(0));
process.stdin.on('error', () => die(0));
process.stdin.resume();
setInterval(() => {
  if (process.ppid !== parent) return die(0);
  try { process.kill(parent, 0); } catch (e) { if (e.code !== 'EPERM') die(0); }
}, 500);
`;

/** Every server this process started, killed synchronously when the process exits (process.exit skips async disposal, e.g. on EPIPE). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of running) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** Whether `pid` is a Chroma launcher serving `dataDir` (Linux: its command line; elsewhere: its URL answers). */
async function isServerFor(pid: number, dataDir: string, url: string | undefined): Promise<boolean> {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
  } catch {
    return url ? heartbeat(url, 1500) : false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** GET /api/v2/heartbeat; true when the server answers 200 within `timeoutMs`. */
async function heartbeat(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * One server per data folder: a second window (or the CLI) on the same workspace attaches to the
 * running server instead of starting another one on the same files. The lock records the owner.
 */
interface LockInfo {
  ownerPid: number;
  /** The server launcher's pid, so an orphaned server (owner gone) is stopped before another starts. */
  serverPid?: number;
  /** The owning supervisor instance (several may live in one process, e.g. tests). */
  ownerId: string;
  url?: string;
  startedMs: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    return typeof v.ownerPid === 'number' ? { ownerPid: v.ownerPid, serverPid: typeof v.serverPid === 'number' ? v.serverPid : undefined, ownerId: String(v.ownerId ?? ''), url: typeof v.url === 'string' ? v.url : undefined, startedMs: Number(v.startedMs) || statSync(file).mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

export class ChromaSupervisor {
  private child: ChildProcess | undefined;
  private port: number | undefined;
  private stateValue: ChromaServerState = { kind: 'stopped' };
  private readonly listeners = new Set<(s: ChromaServerState) => void>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private restartTimes: number[] = [];
  private stopping = false;
  private starting: Promise<string> | undefined;
  private recentOutput: string[] = [];
  private missedBeats = 0;
  /** Using a server another process owns (attached through the lock file). */
  private attached = false;
  private readonly id = `${process.pid}:${randomUUID()}`;
  private readonly log: Logger;

  constructor(private readonly opts: ChromaSupervisorOptions) {
    this.log = scopedLogger(opts.logger, CHROMA_LOG_SCOPE);
  }

  get state(): ChromaServerState {
    return this.stateValue;
  }

  /** Process id of the running server launcher (for memory figures), if any. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  onState(listener: (s: ChromaServerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setState(s: ChromaServerState): void {
    this.stateValue = s;
    for (const l of this.listeners) l(s);
  }

  /** Starts the server (or returns the running one's URL). Rejects with a clear message when it cannot start. */
  async start(): Promise<string> {
    if (this.stateValue.kind === 'ready') return this.stateValue.url;
    this.stopping = false;
    this.starting ??= this.launch().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** The URL once ready: waits for a start or restart in progress. */
  async url(): Promise<string> {
    if (this.stateValue.kind === 'ready') return this.stateValue.url;
    if (this.stateValue.kind === 'failed') throw new Error(this.stateValue.message);
    return this.start();
  }

  private get lockFile(): string {
    return path.join(this.opts.dataDir, 'switchyard-chroma.lock');
  }

  /** Owns the lock (true), or returns the URL of a healthy server another process owns. */
  private async acquire(): Promise<true | string> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 20_000) + 5000;
    for (;;) {
      try {
        const fd = openSync(this.lockFile, 'wx');
        writeFileSync(fd, JSON.stringify({ ownerPid: process.pid, ownerId: this.id, startedMs: Date.now() } satisfies LockInfo));
        closeSync(fd);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const lock = readLock(this.lockFile);
      const owner = lock && lock.ownerId !== this.id && alive(lock.ownerPid);
      if (owner && lock.url && (await heartbeat(lock.url, 1500))) return lock.url;
      if (owner && !lock.url && Date.now() < deadline) {
        await delay(200); // the owner is still starting its server
        continue;
      }
      // stale: the owner is gone, its server does not answer, or it is our own leftover. A server
      // still running on this folder is stopped first: two servers on one folder corrupt it.
      if (lock?.serverPid && lock.ownerId !== this.id && (await isServerFor(lock.serverPid, this.opts.dataDir, lock.url))) {
        this.log.warn(`stopping an orphaned server (pid ${lock.serverPid}) on ${this.opts.dataDir}; its owner (pid ${lock.ownerPid}) is gone`);
        try {
          process.kill(lock.serverPid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
        for (let i = 0; i < 50 && alive(lock.serverPid); i++) await delay(100);
      }
      try {
        unlinkSync(this.lockFile);
      } catch {
        // another process removed it first
      }
      if (Date.now() > deadline) return true;
    }
  }

  private releaseLock(): void {
    const lock = readLock(this.lockFile);
    if (lock?.ownerId === this.id) {
      try {
        unlinkSync(this.lockFile);
      } catch {
        // already gone
      }
    }
  }

  private async launch(): Promise<string> {
    this.setState({ kind: 'starting' });
    mkdirSync(this.opts.dataDir, { recursive: true });
    const got = await this.acquire();
    if (got !== true) {
      this.attached = true;
      this.missedBeats = 0;
      this.log.info(`using the server another Switchyard process runs for this folder at ${got}`);
      this.setState({ kind: 'ready', url: got, pid: readLock(this.lockFile)?.ownerPid ?? -1 });
      this.startHeartbeat(got);
      return got;
    }
    this.attached = false;
    const wanted = this.port ?? this.opts.port;
    const port = wanted !== undefined && (await portIsFree(wanted)) ? wanted : await freePort();
    this.port = port;
    const url = `http://127.0.0.1:${port}`;
    this.recentOutput = [];
    const args = ['-e', LAUNCHER, this.opts.bindingPath, 'run', '--path', this.opts.dataDir, '--port', String(port), '--host', '127.0.0.1'];
    this.log.info(`starting local server on ${url} (data: ${this.opts.dataDir})`);
    const child = spawn(this.opts.execPath ?? process.execPath, args, {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    trackChild(child);
    if (child.pid) writeFileSync(this.lockFile, JSON.stringify({ ownerPid: process.pid, serverPid: child.pid, ownerId: this.id, startedMs: Date.now() } satisfies LockInfo));
    // Chroma logs everything to stderr; only lines that look like trouble are warnings.
    const onData = (buf: Buffer) => {
      for (const raw of buf.toString('utf8').split(/\r?\n/)) {
        const line = stripAnsi(raw).trimEnd();
        if (!line.trim() || /^[\s(#)]+$/.test(line)) continue; // the ASCII-art banner
        this.recentOutput.push(line);
        if (this.recentOutput.length > 20) this.recentOutput.shift();
        const trouble = /error|panic|fail|GLIBC|denied|in use|cannot|unable/i.test(line);
        this.log[trouble ? 'warn' : 'info'](line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    child.once('error', (err) => (spawnError = err));
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      if (this.child === child) this.child = undefined;
      if (!this.stopping && this.stateValue.kind === 'ready') this.scheduleRestart(`the server exited (${signal ?? `code ${code}`})`);
    });

    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 20_000);
    while (Date.now() < deadline) {
      if (spawnError || exited) break;
      if (await heartbeat(url, 1000)) {
        this.missedBeats = 0;
        writeFileSync(this.lockFile, JSON.stringify({ ownerPid: process.pid, serverPid: child.pid, ownerId: this.id, url, startedMs: Date.now() } satisfies LockInfo));
        this.setState({ kind: 'ready', url, pid: child.pid ?? -1 });
        this.startHeartbeat(url);
        this.log.info(`ready at ${url}`);
        return url;
      }
      await delay(100);
    }
    const why = spawnError
      ? spawnError.message
      : exited
        ? `it exited (${exited.signal ?? `code ${exited.code}`})${this.explainOutput()}`
        : `no heartbeat within ${Math.round((this.opts.startTimeoutMs ?? 20_000) / 1000)} s${this.explainOutput()}`;
    this.killChild(child);
    this.releaseLock();
    const message = `The local Chroma server could not start: ${why}. Retrieval uses the lexical index only. Fix: check the "Switchyard Chroma" output, or set switchyard.rag.chromaUrl to a running Chroma server.`;
    this.setState({ kind: 'failed', message });
    throw new Error(message);
  }

  private explainOutput(): string {
    const glibc = this.recentOutput.find((l) => /GLIBC_[0-9.]+' not found/.test(l));
    if (glibc) return ` — this system's glibc is too old for the installed Chroma binding (${glibc.match(/GLIBC_[0-9.]+/)?.[0]} needed); install chromadb-js-bindings 1.0.5, which runs on glibc 2.34+`;
    const last = this.recentOutput.slice(-3).join(' | ');
    return last ? `: ${last}` : '';
  }

  private startHeartbeat(url: string): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(async () => {
      if (this.stopping || this.stateValue.kind !== 'ready') return;
      if (await heartbeat(url, 3000)) {
        this.missedBeats = 0;
        return;
      }
      if (++this.missedBeats >= 2) this.scheduleRestart('two heartbeats were missed');
    }, this.opts.heartbeatIntervalMs ?? 10_000);
    this.heartbeatTimer.unref();
  }

  private scheduleRestart(reason: string): void {
    if (this.stopping || this.stateValue.kind === 'restarting') return;
    clearInterval(this.heartbeatTimer);
    const now = Date.now();
    const window = this.opts.restartWindowMs ?? 5 * 60_000;
    this.restartTimes = this.restartTimes.filter((t) => now - t < window);
    const max = this.opts.maxRestarts ?? 5;
    if (this.restartTimes.length >= max) {
      const message = `The local Chroma server stopped ${max} times in ${Math.round(window / 60_000)} min (last: ${reason}); Switchyard stopped restarting it. Retrieval uses the lexical index only. Fix: run Switchyard: Rebuild Index, or set switchyard.rag.chromaUrl.`;
      this.log.error(message);
      if (this.child) this.killChild(this.child);
      this.setState({ kind: 'failed', message });
      return;
    }
    this.restartTimes.push(now);
    const attempt = this.restartTimes.length;
    const wait = Math.min(this.opts.backoffMaxMs ?? 30_000, (this.opts.backoffBaseMs ?? 500) * 2 ** (attempt - 1));
    this.log.warn(`${reason}; restart ${attempt}/${max} in ${wait} ms`);
    this.setState({ kind: 'restarting', attempt, reason });
    if (this.child) this.killChild(this.child);
    this.starting = delay(wait)
      .then(() => {
        if (this.stopping) throw new Error('Chroma supervisor was stopped');
        return this.launch();
      })
      .catch((err: Error) => {
        if (!this.stopping) this.log.error(`restart failed: ${err.message}`);
        throw err;
      })
      .finally(() => (this.starting = undefined));
    this.starting.catch(() => undefined);
  }

  private killChild(child: ChildProcess): void {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 3000);
    t.unref();
    child.once('exit', () => clearTimeout(t));
  }

  /** Test hook and recovery path: kills the server as a crash would (the supervisor restarts it). */
  crashForTest(): void {
    this.child?.kill('SIGKILL');
  }

  /** Stops the server and waits for it to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.heartbeatTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      this.killChild(child);
      await done;
    }
    this.child = undefined;
    if (!this.attached) this.releaseLock();
    this.attached = false;
    this.setState({ kind: 'stopped' });
  }
}
