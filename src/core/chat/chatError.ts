/** A failed answer as the panel shows it inline: the message once, and the actions that fix it. */
import type { ModelError } from '../models/errors';
import type { ChatError, FixAction } from './types';

/** The inline error of a failed answer, with the actions that fix it. */
export function chatErrorFrom(error: ModelError | undefined): ChatError {
  if (!error) return { kind: 'unknown', message: 'The request failed without an error message.', actions: [{ action: 'retry', label: 'Retry' }] };
  const actions: FixAction[] = [];
  switch (error.kind) {
    case 'auth':
    case 'config':
      // A provider's key problem is fixed by its key; "not set up" (no model, no route) by Add Model.
      if (error.provider) actions.push({ action: 'setKey', label: `Set ${error.provider} API key`, provider: error.provider });
      else actions.push({ action: 'addModel', label: 'Add Model' });
      actions.push({ action: 'openSettings', label: 'Open settings' });
      break;
    case 'budget':
      actions.push({ action: 'openSettings', label: 'Budget settings' }, { action: 'switchModel', label: 'Switch model' });
      break;
    case 'context_window':
    case 'not_found':
      actions.push({ action: 'switchModel', label: 'Switch model' }, { action: 'openSettings', label: 'Open settings' });
      break;
    case 'invalid_request':
      actions.push({ action: 'switchModel', label: 'Switch model' });
      break;
    default:
      actions.push({ action: 'retry', label: 'Retry' }, { action: 'switchModel', label: 'Switch model' });
  }
  // Messages may already end with the fix (so attempt lists say what to do); show it once.
  const message = error.fix && error.message.endsWith(error.fix) ? error.message.slice(0, -error.fix.length).trimEnd() : error.message;
  return { kind: error.kind, message, fix: error.fix, actions };
}
