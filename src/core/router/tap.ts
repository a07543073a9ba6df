/** A router that reports every finished call (success or failure) to a listener, e.g. the host's notifications. */
import type { ManagedRouter } from './router';
import type { RouterResult, RouterStream } from './types';

/** Wraps a router so every finished call is reported; a throwing listener never breaks the call. */
export function tapRouter(router: ManagedRouter, onResult: (result: RouterResult) => void): ManagedRouter {
  const tap = (result: RouterResult) => {
    try {
      onResult(result);
    } catch {
      // a listener must never break a model call
    }
    return result;
  };
  return {
    breakerState: (model) => router.breakerState(model),
    updateConfig: (config) => router.updateConfig(config),
    resolve: (task, pinned, needs) => router.resolve(task, pinned, needs),
    stream(request): RouterStream {
      const inner = router.stream(request);
      const result = inner.result.then(tap);
      return { result, [Symbol.asyncIterator]: () => inner[Symbol.asyncIterator]() };
    },
    complete: (request) => router.complete(request).then(tap),
    async embed(request) {
      const out = await router.embed(request).catch((err: unknown) => {
        const result = (err as { result?: RouterResult })?.result;
        if (result) tap(result);
        throw err;
      });
      tap(out.result);
      return out;
    },
  };
}

