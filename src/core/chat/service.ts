/**
 * Chat sessions: a conversation's turns from the question to the stored answer. It persists the
 * history, resolves context chips, trims the prompt to the model's window (recorded on the trace),
 * streams through the TurnRunner and turns failures into inline errors with a fixing action.
 * (Over 450 lines on purpose: a turn's steps — context, compaction and trim, caps, the call —
 * read best in one place; each step's logic lives in its own module.)
 */
import { randomUUID } from 'node:crypto';
import type { Price, SwitchyardConfig } from '../config/schema';
import type { TokenCounter } from '../models/tokens';
import type { Logger } from '../logger';
import type { ChatMessage } from '../models/types';
import type { RouteCandidate } from '../router/resolve';
import type { Router } from '../router/types';
import type { Clock } from '../basics';
import type { Span, Tracer } from '../trace/types';
import { ConversationHistory, titleFrom } from './history';
import { withInstructions } from './instructions';
import { DEFAULT_SYSTEM_PROMPT, outputReserve, renderUserPrompt, trimToContextWindow, type ResolvedContext } from './prompt';
import { routerTurnRunner, type TurnRunner } from './turn';
import type { TurnResult } from './turnResult';
import { estimateNextTurn, type NextTurnEstimate } from './estimate';
import { capGuardFor, type AskCap } from './spendCap';
import { COMPACT_AT_FRACTION, compactConversation } from './compaction';
import type { ContextChip, Conversation, ConversationSummary, StoredMessage, ToolCallView } from './types';
import { chatErrorFrom } from './chatError';
import { isLocalModel, priceOfModel, type PriceSource } from '../cost/local';
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_SWITCHYARD_CHAT_CONTEXT_WINDOW,
  ATTR_SWITCHYARD_CHAT_HISTORY_MESSAGES,
  ATTR_SWITCHYARD_CHAT_INSTRUCTIONS,
  ATTR_SWITCHYARD_CHAT_PROMPT_BUDGET_TOKENS,
  ATTR_SWITCHYARD_CHAT_PROMPT_TOKENS_ESTIMATE,
  ATTR_SWITCHYARD_CHAT_TRIMMED_MESSAGES,
  ATTR_SWITCHYARD_CONTEXT_ITEMS,
  ATTR_SWITCHYARD_CONTEXT_KIND,
  ATTR_SWITCHYARD_FEATURE,
  HISTORY_TRIMMED_EVENT,
} from '../trace/attributes';

/** What the chat service tells its front end while a turn runs. */
export type ChatEvent =
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'delta'; conversationId: string; messageId: string; text: string }
  | { type: 'notice'; conversationId: string; messageId: string; text: string }
  | { type: 'toolCall'; conversationId: string; messageId: string; call: ToolCallView }
  | { type: 'done'; conversationId: string; message: StoredMessage };

/** Resolves a chip the service cannot expand by itself (file, workspace retrieval, MCP resource). */
export type ContextResolver = (chip: ContextChip, question: string, signal: AbortSignal, span?: Span) => Promise<ResolvedContext[]>;

export interface ChatCore {
  readonly config: SwitchyardConfig;
  readonly router: Router;
  readonly tracer: Tracer;
  readonly clock: Clock;
  /** For the next-turn estimate (absent: no estimate). */
  readonly tokens?: TokenCounter;
  readonly catalog?: PriceSource;
}

export interface ChatServiceDeps {
  history: ConversationHistory;
  /** The current core (it is rebuilt when settings change). */
  core: () => ChatCore;
  logger: Logger;
  /** Per chip kind; a kind without a resolver becomes a notice on the answer. */
  resolvers?: Partial<Record<ContextChip['kind'], ContextResolver>>;
  /** Swappable turn (the tool loop); defaults to one router.stream call. */
  runTurn?: TurnRunner;
  systemPrompt?: string;
  newId?: () => string;
  /** Asks the user what to do when a spend cap is crossed; without it a crossed cap stops the turn. */
  askCap?: AskCap;
}

export interface SendInput {
  conversationId?: string;
  text: string;
  chips: ContextChip[];
  /** Overrides the conversation's model for this turn (and becomes its model). */
  model?: string;
}

/** Ends a turn that a spend cap stopped before its first call. */
class CapStop extends Error {}

/** Used when neither config nor catalog knows a candidate's window. */
const FALLBACK_CONTEXT_WINDOW = 16_000;

export class ChatService {
  private readonly active = new Map<string, AbortController>();
  /** The text streamed so far per running conversation, so a reloaded panel shows it. */
  private readonly partial = new Map<string, { messageId: string; text: string }>();
  private readonly newId: () => string;
  private readonly runTurn: TurnRunner;

  constructor(private readonly deps: ChatServiceDeps) {
    this.newId = deps.newId ?? (() => randomUUID());
    this.runTurn = deps.runTurn ?? routerTurnRunner(() => deps.core().router);
  }

  list(): ConversationSummary[] {
    return this.deps.history.list();
  }

  isRunning(conversationId: string): boolean {
    return this.active.has(conversationId);
  }

  /** A conversation; an answer left 'streaming' by a closed window shows as cancelled. */
  get(id: string): Conversation | undefined {
    const c = this.deps.history.get(id);
    const live = this.partial.get(id);
    if (c && live) return { ...c, messages: c.messages.map((m) => (m.id === live.messageId ? { ...m, content: live.text } : m)) };
    if (!c || this.active.has(id)) return c;
    return { ...c, messages: c.messages.map((m) => (m.status === 'streaming' ? { ...m, status: 'cancelled' as const } : m)) };
  }

  async create(model?: string): Promise<Conversation> {
    const now = this.deps.core().clock.now();
    const c: Conversation = { v: 1, id: this.newId(), title: 'New chat', createdMs: now, updatedMs: now, model, messages: [] };
    await this.deps.history.save(c);
    return c;
  }

  async rename(id: string, title: string): Promise<Conversation | undefined> {
    return this.deps.history.rename(id, title);
  }

  async delete(id: string): Promise<void> {
    this.stop(id);
    await this.deps.history.delete(id);
  }

  async setModel(id: string, model: string | undefined): Promise<Conversation | undefined> {
    const c = this.get(id);
    if (!c) return undefined;
    const next = { ...c, model };
    await this.deps.history.save(next);
    return next;
  }

  /** Cancels the running turn of a conversation; returns whether one was running. */
  stop(conversationId: string): boolean {
    const ctl = this.active.get(conversationId);
    ctl?.abort();
    return ctl !== undefined;
  }

  /** Asks a question; resolves with the stored answer (ok, error or cancelled). */
  async send(input: SendInput, emit: (ev: ChatEvent) => void): Promise<StoredMessage> {
    const core = this.deps.core();
    let conv = (input.conversationId && this.get(input.conversationId)) || (await this.create(input.model));
    if (this.active.has(conv.id)) throw new Error('A request is already running in this conversation: stop it first.');
    const user: StoredMessage = {
      id: this.newId(),
      role: 'user',
      content: input.text,
      timeMs: core.clock.now(),
      chips: input.chips.length ? input.chips : undefined,
    };
    conv = {
      ...conv,
      model: input.model ?? conv.model,
      title: conv.messages.length === 0 ? titleFrom(input.text) : conv.title,
      messages: [...conv.messages, user],
    };
    return this.runAnswer(conv, user, emit);
  }

  /** Answers the user turn before `messageId` again, with another model; replaces that answer. */
  async retry(conversationId: string, messageId: string, model: string | undefined, emit: (ev: ChatEvent) => void): Promise<StoredMessage> {
    const conv = this.get(conversationId);
    if (!conv) throw new Error(`Unknown conversation ${conversationId}.`);
    if (this.active.has(conv.id)) throw new Error('A request is already running in this conversation: stop it first.');
    const idx = conv.messages.findIndex((m) => m.id === messageId);
    const userIdx = idx < 0 ? -1 : conv.messages[idx]!.role === 'user' ? idx : idx - 1;
    const user = conv.messages[userIdx];
    if (!user || user.role !== 'user') throw new Error(`No question to retry before message ${messageId}.`);
    const next: Conversation = { ...conv, model: model ?? conv.model, messages: conv.messages.slice(0, userIdx + 1) };
    return this.runAnswer(next, user, emit);
  }

  /** The chat candidates this turn would try (all of them when every one is skipped now), `model` first. */
  private candidates(model: string | undefined): RouteCandidate[] {
    const { candidates } = this.deps.core().router.resolve('chat', model);
    const tried = candidates.filter((c) => !c.skipped);
    return tried.length ? tried : candidates;
  }

  /** The smallest known window among the candidates: a fallback must still fit. */
  limitsFor(model: string | undefined): { contextWindow: number; maxOutputTokens?: number } {
    let window: number | undefined;
    let maxOut: number | undefined;
    for (const { contextWindow: cw, maxOutputTokens: mo } of this.candidates(model)) {
      if (cw !== undefined && (window === undefined || cw < window)) window = cw;
      if (mo !== undefined && (maxOut === undefined || mo < maxOut)) maxOut = mo;
    }
    return { contextWindow: window ?? FALLBACK_CONTEXT_WINDOW, maxOutputTokens: maxOut };
  }

  private async runAnswer(conv: Conversation, user: StoredMessage, emit: (ev: ChatEvent) => void): Promise<StoredMessage> {
    const core = this.deps.core();
    const ctl = new AbortController();
    this.active.set(conv.id, ctl);
    const started = core.clock.now();
    let answer: StoredMessage = {
      id: this.newId(),
      role: 'assistant',
      content: '',
      timeMs: started,
      status: 'streaming',
      requestedModel: conv.model,
    };
    const notices: string[] = [];
    const notice = (text: string) => {
      notices.push(text);
      emit({ type: 'notice', conversationId: conv.id, messageId: answer.id, text });
    };
    conv = { ...conv, updatedMs: started, messages: [...conv.messages, answer] };
    const root = core.tracer.startTrace('chat', { [ATTR_SWITCHYARD_FEATURE]: 'chat', [ATTR_GEN_AI_CONVERSATION_ID]: conv.id });
    try {
      await this.deps.history.save(conv);
      emit({ type: 'conversation', conversation: conv });

      // 1. The question with its context; instruction files go to the system prompt, every turn.
      const instructions = await this.resolveChips(user, ctl.signal, root, notice, (c) => c.kind === 'instructions');
      if (instructions.length) root.setAttribute(ATTR_SWITCHYARD_CHAT_INSTRUCTIONS, instructions.map((i) => i.title));
      let promptContent = user.promptContent;
      if (promptContent === undefined) {
        const contexts = await this.resolveChips(user, ctl.signal, root, notice, (c) => c.kind !== 'instructions');
        promptContent = renderUserPrompt(user.content, contexts);
        const withPrompt = { ...user, promptContent };
        conv = { ...conv, messages: conv.messages.map((m) => (m.id === user.id ? withPrompt : m)) };
      }

      // 2. History, trimmed to the smallest window on the route; near the window, older turns are
      // first summarised by the `summarize` route instead of being dropped.
      const limits = this.limitsFor(conv.model);
      const trimOptions = { contextWindow: limits.contextWindow, reserveForOutput: outputReserve(limits.contextWindow, limits.maxOutputTokens) };
      let all = this.promptMessages(conv.messages, answer.id, instructions);
      let trimmed = trimToContextWindow(all, trimOptions);
      if (trimmed.droppedMessages > 0 || trimmed.estimatedTokens > trimmed.budgetTokens * COMPACT_AT_FRACTION) {
        // A failed summary is not fatal: the turn falls back to trimming (and says so).
        const compacted = await compactConversation(conv, { router: core.router, newId: this.newId, now: () => core.clock.now(), signal: ctl.signal, parentSpan: root })
          .catch((err: unknown) => ({ summary: undefined, conversation: conv, reason: err instanceof Error ? err.message : String(err) }));
        if (compacted.reason && !compacted.summary) this.deps.logger.warn(`Chat compaction skipped: ${compacted.reason}`);
        if (compacted.summary) {
          conv = compacted.conversation;
          notice(`Summarised ${compacted.summary.summaryOf} earlier message(s) with the summarize route to stay within the ${limits.contextWindow.toLocaleString('en-US')}-token window.`);
          all = this.promptMessages(conv.messages, answer.id, instructions);
          trimmed = trimToContextWindow(all, trimOptions);
        }
      }
      const trimAttrs = {
        [ATTR_SWITCHYARD_CHAT_HISTORY_MESSAGES]: all.length - 1,
        [ATTR_SWITCHYARD_CHAT_TRIMMED_MESSAGES]: trimmed.droppedMessages,
        [ATTR_SWITCHYARD_CHAT_PROMPT_TOKENS_ESTIMATE]: trimmed.estimatedTokens,
        [ATTR_SWITCHYARD_CHAT_PROMPT_BUDGET_TOKENS]: trimmed.budgetTokens,
        [ATTR_SWITCHYARD_CHAT_CONTEXT_WINDOW]: limits.contextWindow,
      };
      root.setAttributes(trimAttrs);
      if (trimmed.droppedMessages > 0) {
        root.addEvent(HISTORY_TRIMMED_EVENT.name, { [HISTORY_TRIMMED_EVENT.dropped]: trimmed.droppedMessages, [HISTORY_TRIMMED_EVENT.kept]: trimmed.messages.length - 1 });
        notice(`${trimmed.droppedMessages} earlier message(s) left out to fit the ${limits.contextWindow.toLocaleString('en-US')}-token context window.`);
      }
      answer = { ...answer, trimmedMessages: trimmed.droppedMessages };

      // 3. Spend caps: asked before the first call here, before later tool rounds by the turn runner.
      const guard = capGuardFor(conv, core, this.deps.askCap, (model) => {
        conv = { ...conv, model };
        notice(`Switched to ${model} at the spend cap.`);
      });
      if (guard) {
        const first = await guard.beforeModelCall(0, ctl.signal);
        if (first.action === 'stop') {
          notice(first.reason);
          answer = { ...answer, status: 'cancelled', latencyMs: core.clock.now() - started, notices: [...notices] };
          throw new CapStop();
        }
      }

      // 4. The model call.
      const stream = this.runTurn({
        messages: trimmed.messages,
        model: conv.model,
        beforeModelCall: guard?.beforeModelCall,
        signal: ctl.signal,
        parentSpan: root,
        attributes: trimAttrs,
        cacheKey: conv.id,
        onToolCall: (call) => emit({ type: 'toolCall', conversationId: conv.id, messageId: answer.id, call }),
      });
      let text = '';
      for await (const ev of stream) {
        if (ev.type === 'text') {
          text += ev.text;
          this.partial.set(conv.id, { messageId: answer.id, text });
          emit({ type: 'delta', conversationId: conv.id, messageId: answer.id, text: ev.text });
        } else if (ev.type === 'fallback') {
          notice(`${ev.from} failed (${ev.reason}); trying ${ev.to}.`);
        }
      }
      const result = await stream.result;
      answer = this.finish(answer, result, text, notices, root.traceId, conv.model);
    } catch (err) {
      // A turn stopped at the spend cap before its first call already says so in its answer.
      if (!(err instanceof CapStop)) {
        this.deps.logger.error(`Chat turn failed: ${err instanceof Error ? err.message : String(err)}`);
        const aborted = ctl.signal.aborted;
        answer = {
          ...answer,
          status: aborted ? 'cancelled' : 'error',
          latencyMs: core.clock.now() - started,
          notices: notices.length ? notices : undefined,
          error: aborted ? undefined : { kind: 'internal', message: err instanceof Error ? err.message : String(err), actions: [] },
        };
      }
    } finally {
      this.active.delete(conv.id);
      this.partial.delete(conv.id);
      root.setStatus(answer.status === 'error' ? 'error' : 'ok', answer.error?.message);
      root.end();
    }
    conv = { ...conv, updatedMs: core.clock.now(), messages: conv.messages.map((m) => (m.id === answer.id ? answer : m)) };
    try {
      await this.deps.history.save(conv);
    } catch (err) {
      this.deps.logger.error(`Could not save the chat history: ${err instanceof Error ? err.message : String(err)}`);
    }
    emit({ type: 'done', conversationId: conv.id, message: answer });
    return answer;
  }

  /** The system prompt and the turns before `stopAt` as the model sees them. */
  private promptMessages(messages: StoredMessage[], stopAt?: string, instructions: ResolvedContext[] = []): ChatMessage[] {
    const all: ChatMessage[] = [{ role: 'system', content: withInstructions(this.deps.systemPrompt ?? DEFAULT_SYSTEM_PROMPT, instructions) }];
    for (const m of messages) {
      if (m.id === stopAt) break;
      if (m.compacted) continue;
      if (m.summaryOf !== undefined) all.push({ role: 'user', content: `Summary of the ${m.summaryOf} earlier messages of this conversation:\n${m.content}` });
      else if (m.role === 'user') all.push({ role: 'user', content: m.promptContent ?? m.content });
      else if (m.status === 'ok' && m.content) all.push({ role: 'assistant', content: m.content });
    }
    return all;
  }

  /** Summarises the older messages of a conversation now (the user asked); returns it, and why not when nothing changed. */
  async compact(conversationId: string): Promise<{ conversation?: Conversation; reason?: string }> {
    const conv = this.get(conversationId);
    if (!conv) return { reason: `Unknown conversation ${conversationId}.` };
    if (this.active.has(conv.id)) return { conversation: conv, reason: 'A request is running in this conversation: wait for it or stop it first.' };
    const core = this.deps.core();
    const out = await compactConversation(conv, { router: core.router, newId: this.newId, now: () => core.clock.now() });
    if (out.summary) await this.deps.history.save(out.conversation);
    return { conversation: out.conversation, reason: out.reason };
  }

  /**
   * What sending `input` would cost, before it is sent (see estimate.ts). Selection and file chips
   * are counted; retrieval and MCP resource chips only once sent. Undefined without a model or counter.
   */
  async estimate(input: SendInput, signal: AbortSignal = new AbortController().signal): Promise<NextTurnEstimate | undefined> {
    const core = this.deps.core();
    if (!core.tokens) return undefined;
    const conv = input.conversationId ? this.get(input.conversationId) : undefined;
    const head = this.candidates(input.model ?? conv?.model)[0];
    const modelConfig = head ? core.config.models[head.name] : undefined;
    if (!head || !modelConfig) return undefined;
    const contexts: ResolvedContext[] = [];
    let uncountedChips = 0;
    for (const chip of input.chips) {
      if (chip.kind === 'selection') contexts.push({ kind: 'selection', title: `${chip.path}:${chip.startLine}-${chip.endLine}`, language: chip.language, content: chip.text });
      else if (chip.kind === 'file' && this.deps.resolvers?.file) contexts.push(...(await this.deps.resolvers.file(chip, input.text, signal).catch(() => [])));
      else uncountedChips++;
    }
    const limits = this.limitsFor(input.model ?? conv?.model);
    const all = [...this.promptMessages(conv?.messages ?? []), { role: 'user' as const, content: renderUserPrompt(input.text, contexts) }];
    const trimmed = trimToContextWindow(all, { contextWindow: limits.contextWindow, reserveForOutput: outputReserve(limits.contextWindow, limits.maxOutputTokens) });
    return estimateNextTurn({
      tokens: core.tokens,
      modelName: head.name,
      modelId: head.id,
      providerKind: head.providerKind,
      price: core.catalog ? priceOfModel(core.config, core.catalog, head.name, modelConfig.id) : undefined,
      local: isLocalModel(core.config, head.name),
      contextWindow: limits.contextWindow,
      messages: trimmed.messages,
      conversation: conv,
      promptCache: core.config.cost?.promptCache !== false,
      uncountedChips,
    });
  }

  /** The stored answer from the turn's result; `traceId` is the turn's own trace (its calls are children of it). */
  private finish(answer: StoredMessage, r: TurnResult, text: string, notices: string[], traceId: string, requested?: string): StoredMessage {
    return {
      ...answer,
      content: text || r.text,
      status: r.status,
      model: r.model,
      requestedModel: requested,
      traceId,
      usage: r.usage,
      costUsd: r.costUsd,
      local: r.local ? true : undefined,
      latencyMs: r.latencyMs,
      notices: notices.length ? notices : undefined,
      toolCalls: r.toolCalls.length ? r.toolCalls : undefined,
      error: r.status === 'error' ? chatErrorFrom(r.error) : undefined,
    };
  }

  private async resolveChips(user: StoredMessage, signal: AbortSignal, root: Span, notice: (t: string) => void, which: (chip: ContextChip) => boolean): Promise<ResolvedContext[]> {
    const out: ResolvedContext[] = [];
    for (const chip of (user.chips ?? []).filter(which)) {
      if (chip.kind === 'selection') {
        out.push({ kind: 'selection', title: `${chip.path}:${chip.startLine}-${chip.endLine}`, language: chip.language, content: chip.text });
        continue;
      }
      const resolver = this.deps.resolvers?.[chip.kind];
      if (!resolver) {
        notice(chip.kind === 'workspace' ? '@workspace retrieval is not available (no code index yet).' : `Context of kind ${chip.kind} is not available.`);
        continue;
      }
      const span = root.child(`chat.context.${chip.kind}`, { [ATTR_SWITCHYARD_CONTEXT_KIND]: chip.kind });
      try {
        const got = await resolver(chip, user.content, signal, span);
        span.setAttribute(ATTR_SWITCHYARD_CONTEXT_ITEMS, got.length);
        out.push(...got);
        span.setStatus('ok');
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        span.setStatus('error', msg);
        notice(`Could not add ${chip.kind} context: ${msg}`);
      } finally {
        span.end();
      }
    }
    return out;
  }
}
