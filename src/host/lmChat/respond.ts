/**
 * One response for VS Code's chat: the picker entry's route through Switchyard's router (retries,
 * fallback, breaker, budget gate, ledger, trace), streamed back as text and tool-call parts.
 * Free of the `vscode` module so it runs in plain-Node wire tests.
 */
import type { Router, RouterResult } from '../../core/router/types';
import { toModelRequest, ToolNames, type LmMessageShape, type LmRequestOptionsShape } from './messages';
import type { LmModelEntry } from './models';

/** Ledger features: the agent's own turns, and its side calls (titles, summaries) made without tools. */
export const FEATURE_VSCODE_CHAT = 'vscode-chat';
export const FEATURE_VSCODE_CHAT_UTILITY = 'vscode-chat-utility';

export interface LmResponseSink {
  text(value: string): void;
  toolCall(callId: string, name: string, input: object): void;
}

/** A failed response, with the fix the user needs; VS Code shows the message in the chat. */
export class LmChatError extends Error {
  constructor(message: string, readonly result: RouterResult) {
    super(message);
    this.name = 'LmChatError';
  }
}

function parseToolInput(name: string, args: string): object {
  if (!args.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through to the error below
  }
  throw new Error(`The model called tool "${name}" with arguments that are not a JSON object: ${args.slice(0, 200)}`);
}

/**
 * Streams one response into `sink` and resolves with the router's result (cancelled included).
 * Tool calls are reported once complete, with the caller's original tool names.
 */
export async function respondToLmChat(
  router: Router,
  entry: LmModelEntry,
  messages: ReadonlyArray<LmMessageShape>,
  options: LmRequestOptionsShape,
  sink: LmResponseSink,
  signal: AbortSignal,
): Promise<RouterResult> {
  const names = new ToolNames();
  const request = toModelRequest(messages, options, names, entry.capabilities.imageInput);
  const utility = !request.tools?.length;
  const stream = router.stream({
    task: entry.target.task,
    model: entry.target.model,
    feature: utility ? FEATURE_VSCODE_CHAT_UTILITY : FEATURE_VSCODE_CHAT,
    request,
    signal,
  });
  for await (const event of stream) {
    if (event.type === 'text' && event.text) sink.text(event.text);
  }
  const result = await stream.result;
  if (result.status === 'error') {
    const error = result.error;
    const tried = result.attempts.length > 1 ? ` (tried ${result.attempts.map((a) => a.model).join(', ')})` : '';
    throw new LmChatError(`Switchyard: ${error?.message ?? 'the model call failed'}${tried}${error?.fix && !error.message.includes(error.fix) ? ` ${error.fix}` : ''}`, result);
  }
  if (result.status === 'ok') {
    result.toolCalls.forEach((call, i) => sink.toolCall(call.id || `call_${result.traceId.slice(0, 8)}_${i}`, names.original(call.name), parseToolInput(call.name, call.arguments)));
  }
  return result;
}
