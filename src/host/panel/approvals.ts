/**
 * Connects the tool loop's approval prompt to the Chat tab: a tool call shown as "requested"
 * gets Allow once / session / always / Deny buttons; the user's click resolves the prompt.
 * Pure (no vscode import); the host supplies a fallback prompt for when no panel can answer.
 */
import type { ApprovalChoice, ToolApprovalRequest } from '../../core/mcp/approval';
import type { ToolCallView } from '../../core/chat/types';

interface Waiter {
  resolve: (choice: ApprovalChoice | undefined) => void;
}

export class ApprovalBroker {
  /** Calls shown as requested, oldest first, not yet bound to a prompt. */
  private readonly requested: ToolCallView[] = [];
  private readonly waiting = new Map<string, Waiter>();
  /** Decisions that arrived before the prompt asked. */
  private readonly early = new Map<string, ApprovalChoice>();

  constructor(
    private readonly fallback: (request: ToolApprovalRequest, signal?: AbortSignal) => Promise<ApprovalChoice | undefined>,
    private readonly canShowInPanel: () => boolean,
  ) {}

  /** Feed every tool-call view the chat emits. */
  observe(call: ToolCallView): void {
    if (call.status === 'requested') {
      if (!this.requested.some((c) => c.id === call.id) && !this.waiting.has(call.id)) this.requested.push(call);
    } else {
      this.drop(call.id);
    }
  }

  /** The ApprovalPolicy `prompt`: resolved by the Chat tab's buttons, or by the fallback. */
  prompt = (request: ToolApprovalRequest, signal?: AbortSignal): Promise<ApprovalChoice | undefined> => {
    // The tool-call id binds a prompt to its card (two calls of one tool in a turn stay apart).
    const i = request.callId !== undefined
      ? this.requested.findIndex((c) => c.id === request.callId)
      : this.requested.findIndex((c) => c.name === request.tool || c.name === request.toolName);
    if (i < 0 || !this.canShowInPanel()) return this.fallback(request, signal);
    const call = this.requested.splice(i, 1)[0]!;
    const early = this.early.get(call.id);
    if (early) {
      this.early.delete(call.id);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiting.delete(call.id);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(call.id, {
        resolve: (choice) => {
          signal?.removeEventListener('abort', onAbort);
          this.waiting.delete(call.id);
          resolve(choice);
        },
      });
    });
  };

  /** A click in the Chat tab. Returns false when no such call is pending. */
  decide(callId: string, choice: ApprovalChoice): boolean {
    const w = this.waiting.get(callId);
    if (w) {
      w.resolve(choice);
      return true;
    }
    if (this.requested.some((c) => c.id === callId)) {
      this.early.set(callId, choice);
      return true;
    }
    return false;
  }

  private drop(callId: string): void {
    const i = this.requested.findIndex((c) => c.id === callId);
    if (i >= 0) this.requested.splice(i, 1);
    this.early.delete(callId);
  }
}
