/**
 * Root hooks of the e2e suite: one fake model server and one code-server + Chromium session for
 * all scenarios (booting takes most of the time), and a failure report after each failed test.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Context } from 'mocha';
import { ensureClient, repoRoot, runDir, Session, startFakeModelServer, vsixPath, type FakeModelServer } from './harness';

export interface E2E {
  session: Session;
  fake: FakeModelServer;
  /** The `switchyard.*` settings every scenario starts from (pointing at the fake server). */
  baseSettings: Record<string, unknown>;
}

/** Model ids served by the fake; `paid` has a price, `local` is free. */
export const models = {
  completion: 'fake-coder',
  paid: 'fake-paid',
  backup: 'fake-backup',
  local: 'fake-local',
} as const;

export function switchyardSettings(fake: FakeModelServer): Record<string, unknown> {
  return {
    'switchyard.providers': {
      fake: { kind: 'openai-compatible', baseUrl: fake.openaiBaseUrl },
    },
    'switchyard.models': {
      coder: { provider: 'fake', id: models.completion, fim: 'native', price: { inputPerMTok: 0, outputPerMTok: 0 } },
      paid: { provider: 'fake', id: models.paid, price: { inputPerMTok: 3, outputPerMTok: 15 } },
      backup: { provider: 'fake', id: models.backup, price: { inputPerMTok: 1, outputPerMTok: 2 } },
      local: { provider: 'fake', id: models.local, price: { inputPerMTok: 0, outputPerMTok: 0 } },
    },
    'switchyard.routes': { chat: ['paid', 'backup'], completion: ['coder'] },
    // One attempt per model, so the fallback scenario sees exactly two attempts; short backoff.
    'switchyard.router': { maxRetries: 0, backoffBaseMs: 10, backoffMaxMs: 50, breakerFailureThreshold: 100 },
    'switchyard.completion': { enabled: true, debounceMs: 50, maxLines: 8 },
  };
}

const state: { e2e?: E2E } = {};

/** The shared session; throws when the boot in beforeAll failed. */
export function e2e(): E2E {
  if (!state.e2e) throw new Error('The e2e session did not start (see the error of the root "before all" hook)');
  return state.e2e;
}

export const mochaHooks = {
  async beforeAll(this: Context) {
    this.timeout(15 * 60_000); // first run installs the client
    mkdirSync(runDir, { recursive: true });
    const client = ensureClient();
    const vsix = vsixPath();
    const fake = await startFakeModelServer(join(runDir, 'fake-server.log'));
    const baseSettings = switchyardSettings(fake);
    let session: Session | undefined;
    try {
      session = await Session.start({ client, vsix, settings: baseSettings });
    } catch (err) {
      await fake.stop();
      throw err;
    }
    state.e2e = { session, fake, baseSettings };
    // onStartupFinished: on a busy 2-core machine activation comes 30-60 s after the workbench.
    await session.waitForSwitchyardLog(/activated/, 180_000);
    console.log(`    e2e: code-server at ${session.url}, workspace ${relative(repoRoot, session.workspaceDir)}, fake models at ${fake.openaiBaseUrl}`);
  },

  /** Each scenario scripts the fake itself: nothing left over from the one before. */
  async beforeEach(this: Context) {
    await state.e2e?.fake.reset();
  },

  async afterEach(this: Context) {
    const test = this.currentTest;
    if (!state.e2e || !test) return;
    if (test.state === 'failed') {
      const shot = await state.e2e.session.screenshot(`FAILED-${test.title}`).catch((e: unknown) => `(no screenshot: ${String(e)})`);
      console.error(`\n  e2e failure in "${test.fullTitle()}"\n  screenshot: ${shot}\n\n${state.e2e.session.diagnostics()}\n`);
    }
    // A failed step must not leave a modal dialog or quick pick that blocks the next scenario.
    await state.e2e.session.resetUi().catch(() => undefined);
  },

  async afterAll(this: Context) {
    this.timeout(30_000);
    if (!state.e2e) return;
    // Keep the logs of every run next to the screenshots (CI artifacts).
    state.e2e.session.diagnostics();
    await state.e2e.session.stop();
    await state.e2e.fake.stop();
    state.e2e = undefined;
  },
};
