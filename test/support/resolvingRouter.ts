/** A router for tests whose turn runner is swapped out: it only resolves routes (config limits, no catalog), and refuses calls. */
import type { SwitchyardConfig } from '../../src/core/config/schema';
import { resolveRoute } from '../../src/core/router/resolve';
import type { Router } from '../../src/core/router/types';

export function resolvingRouter(config: SwitchyardConfig): Router {
  const refuse = () => {
    throw new Error('this test router makes no model calls');
  };
  return {
    resolve: (task, pinned, needs) => resolveRoute({ config, task, pinned, needs, factsFor: () => undefined }),
    stream: refuse,
    complete: refuse,
    embed: refuse,
  };
}
