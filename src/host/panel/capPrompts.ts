/**
 * Connects the spend-cap question to the Chat tab: the host posts the prompt, the tab shows
 * "Continue for about $X more / Switch to <model> / Stop", and the click resolves it. Pure (no
 * vscode import); the host supplies a fallback (a modal) for when no panel is visible.
 */
import type { CapDecision, CapPrompt } from '../../core/chat/spendCap';

export class CapBroker {
  private readonly waiting = new Map<string, (decision: CapDecision) => void>();

  constructor(
    private readonly show: (prompt: CapPrompt) => void,
    private readonly fallback: (prompt: CapPrompt, signal: AbortSignal) => Promise<CapDecision>,
    private readonly canShowInPanel: () => boolean,
  ) {}

  /** ChatServiceDeps.askCap. Stopping the turn (its signal) answers "stop". */
  ask = (prompt: CapPrompt, signal: AbortSignal): Promise<CapDecision> => {
    if (!this.canShowInPanel()) return this.fallback(prompt, signal);
    this.waiting.get(prompt.conversationId)?.('stop');
    return new Promise((resolve) => {
      const done = (decision: CapDecision) => {
        signal.removeEventListener('abort', onAbort);
        this.waiting.delete(prompt.conversationId);
        resolve(decision);
      };
      const onAbort = () => done('stop');
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(prompt.conversationId, done);
      this.show(prompt);
    });
  };

  /** A click in the Chat tab; false when that conversation is not waiting. */
  decide(conversationId: string, decision: CapDecision): boolean {
    const w = this.waiting.get(conversationId);
    if (!w) return false;
    w(decision);
    return true;
  }
}
