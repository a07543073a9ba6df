/** Narrows the CoreServices a command receives to the AppServices the CLI's loadCore builds. */
import type { AppServices } from '../core/app';
import type { CoreServices } from '../core/services';

export function isAppServices(core: CoreServices): core is AppServices {
  return 'catalog' in core && 'budget' in core && 'adapterFor' in core;
}

export function appServices(core: CoreServices): AppServices {
  if (!isAppServices(core)) throw new Error('this command needs the services built by createCoreServices (src/core/app.ts)');
  return core;
}
