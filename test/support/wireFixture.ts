/**
 * The fixture the wire and integration suites share: one fake provider server per describe block,
 * temp folders, and real cores over them. It registers its own mocha hooks and cleans up after
 * itself: every core (or other disposable) it was given is disposed, then its folders are removed.
 *
 *   describe('…', function () {
 *     const fx = useWireFixture('money');          // call it first: its hooks run before the block's own
 *     it('…', async () => {
 *       const core = await fx.core({ providers: { oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl } }, … });
 *       …                                          // disposed, and fx.testDir removed, after this test
 *     });
 *   });
 *
 * What is built during a test lives until that test ends; what is built in a before() hook lives
 * until the block ends. The server is reset (requests, scripts, defaults) before every test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppServices } from '../../src/core/app';
import type { ConfigInput } from '../../src/core/config/schema';
import type { Logger } from '../../src/core/logger';
import { startFakeServer, type FakeServer, type FakeServerOptions } from './fakeServer';
import { createTestCore } from './testCore';

interface Disposable {
  dispose(): unknown;
}

export interface FixtureCoreOptions {
  /** The core's data folder (ledger, traces); default: the current test's folder (in a before() hook: the block's). */
  dataDir?: string;
  /** The key every provider gets; `null` for none (a local server that needs no key). Default: TEST_API_KEY. */
  apiKey?: string | null;
  logger?: Logger;
}

export interface WireFixture {
  /** The fake provider server of this block. */
  readonly fake: FakeServer;
  /** A folder for the whole block, made on first use and removed when the block ends. */
  readonly suiteDir: string;
  /** An empty folder for the current test, made on first use and removed when the test ends. */
  readonly testDir: string;
  /** A new empty folder inside the current test's folder (in a before() hook: the block's). */
  freshDir(): string;
  /** createTestCore over the given settings, disposed by the fixture. */
  core(input: ConfigInput, options?: FixtureCoreOptions): Promise<AppServices>;
  /** Disposes `item` when the current test ends (given in a before() hook: when the block ends). */
  track<T extends Disposable>(item: T): T;
}

/** Registers the hooks of the shared wire fixture on the current describe block; call it inside describe(). */
export function useWireFixture(name: string, serverOptions: FakeServerOptions = {}): WireFixture {
  let fake: FakeServer | undefined;
  let suiteDir: string | undefined;
  let testDir: string | undefined;
  let inTest = false;
  const suiteItems: Disposable[] = [];
  let testItems: Disposable[] = [];

  const makeSuiteDir = () => (suiteDir ??= mkdtempSync(join(tmpdir(), `switchyard-${name}-`)));
  const makeTestDir = () => {
    if (!inTest) throw new Error('useWireFixture: testDir is only there inside a test (or a beforeEach/afterEach hook).');
    return (testDir ??= mkdtempSync(join(makeSuiteDir(), 'test-')));
  };
  const currentDir = () => (inTest ? makeTestDir() : makeSuiteDir());
  // Last in, first out: a core is disposed before what it was built on.
  const disposeAll = async (items: Disposable[]) => {
    for (const item of items.splice(0).reverse()) await item.dispose();
  };

  before(async () => {
    fake = await startFakeServer(serverOptions);
  });
  beforeEach(() => {
    inTest = true;
    fake!.reset();
  });
  afterEach(async () => {
    try {
      await disposeAll(testItems);
    } finally {
      testItems = [];
      if (testDir) rmSync(testDir, { recursive: true, force: true });
      testDir = undefined;
      inTest = false;
    }
  });
  after(async () => {
    try {
      await disposeAll(suiteItems);
      await fake?.close();
    } finally {
      if (suiteDir) rmSync(suiteDir, { recursive: true, force: true });
      suiteDir = undefined;
    }
  });

  const fixture: WireFixture = {
    get fake() {
      if (!fake) throw new Error('useWireFixture: the fake server starts in the block\'s before() hook; use it from a hook or a test.');
      return fake;
    },
    get suiteDir() {
      return makeSuiteDir();
    },
    get testDir() {
      return makeTestDir();
    },
    freshDir() {
      return mkdtempSync(join(currentDir(), 'data-'));
    },
    async core(input, options = {}) {
      return fixture.track(await createTestCore(input, options.dataDir ?? currentDir(), options.apiKey, options.logger));
    },
    track(item) {
      (inTest ? testItems : suiteItems).push(item);
      return item;
    },
  };
  return fixture;
}
