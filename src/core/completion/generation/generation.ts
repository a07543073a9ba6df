/**
 * One model call for a completion, shareable: several requests (the first one, then the user
 * typing through its start) can wait on the same call. It settles as soon as the complete lines
 * streamed hold everything the context will keep (see settleText), and aborts the HTTP request
 * when nobody waits for it any more.
 */
import type { ModelRequest, ResolvedModel } from '../../models/types';
import { ModelError } from '../../models/errors';
import type { Router, RouterResult } from '../../router/types';
import type { CompletionContext } from '../context/assemble';
import { CLEAN_RULES, LIMIT_RULES, runRules } from '../postprocessing';
import { cutAtStop, echoPending, extractFill, stripFences, type RuleInput } from '../postprocessing/rules';
import { buildPrompt, promptModeFor, type BuiltPrompt, type PromptMode } from '../templating/templates';
import type { SwitchyardConfig } from '../../config/schema';
import type { Span } from '../../trace/types';

export interface GenerationOutcome {
  status: 'ok' | 'error' | 'cancelled';
  /** The streamed text of the answering attempt (possibly still growing in the background). */
  raw: string;
  /** The prompt of the model that answered. */
  prompt?: BuiltPrompt;
  model?: string;
  modelId?: string;
  provider?: string;
  traceId?: string;
  error?: ModelError;
}

export interface GenerationOptions {
  router: Router;
  config: SwitchyardConfig;
  ctx: CompletionContext;
  /** The document's full prefix and suffix at request time (the context windows may be cut). */
  docPrefix: string;
  docSuffix: string;
  attributes: Record<string, string | number | boolean>;
  /** The engine's root span for this call; the router's spans nest under it. */
  parentSpan?: Span;
  /** How long an unwanted call lives on, in case the next keystroke types through it. */
  graceMs: number;
  onResult?: (result: RouterResult) => void;
}

/** The text a partial stream would give after the cheap cleaning steps (stops, tags, fences). */
function cleanPartial(raw: string, prompt: BuiltPrompt | undefined, ctx: CompletionContext): string {
  const input: RuleInput = { ctx, stop: prompt?.stop ?? [], promptKind: prompt?.mode.kind ?? 'template' };
  let text = cutAtStop.apply(raw, input);
  if (prompt?.mode.kind === 'chat') text = extractFill.apply(text, input);
  if (/^\s*```[^\n]*\n/.test(text)) text = stripFences.apply(text, input);
  return text;
}

/** The clean rules that only unwrap the answer (stops, thinking, fill tags, fences): an echo shows after them. */
const UNWRAP_RULES = CLEAN_RULES.slice(0, CLEAN_RULES.findIndex((r) => r.name === 'dropProse'));

/**
 * A line deeper than any block and like no code: when the limit rules drop it after the complete
 * lines, they ended the completion within those lines, whatever streams next.
 */
const PROBE = `${' '.repeat(256)}\u0000probe`;

/**
 * The raw text to settle on before the stream ends, or undefined to keep waiting. A stop sequence
 * ends the answer. Otherwise only complete lines count (a partial last line could be the start of
 * anything), and only once the limit rules end the completion within them (a probe line after
 * them is dropped) and no echo of the prefix is still under way. So the shown text never depends
 * on where the network split the chunks.
 */
export function settleText(raw: string, prompt: BuiltPrompt | undefined, ctx: CompletionContext): string | undefined {
  const stop = prompt?.stop ?? [];
  if (stop.some((s) => raw.includes(s))) return raw;
  const nl = raw.lastIndexOf('\n');
  if (nl === -1) return undefined;
  const whole = raw.slice(0, nl);
  const input: RuleInput = { ctx, stop, promptKind: prompt?.mode.kind ?? 'template' };
  if (echoPending(runRules(UNWRAP_RULES, whole, input), ctx)) return undefined;
  const cleaned = runRules(CLEAN_RULES, whole, input);
  if (cleaned === '') return undefined;
  return runRules(LIMIT_RULES, `${cleaned}\n${PROBE}`, input).includes(PROBE) ? undefined : whole;
}

/** The prompt mode of the model the router will try first for completions. */
function headPromptMode(config: SwitchyardConfig): PromptMode {
  const name = config.pinned['completion'] ?? config.routes['completion']?.[0];
  const model = name ? config.models[name] : undefined;
  if (!model) return { kind: 'chat' };
  return promptModeFor({ id: model.id, nativeFim: model.fim === 'native' }, model);
}

export class Generation {
  raw = '';
  finished = false;
  readonly settled: Promise<GenerationOutcome>;
  /** Resolves when the router call is over (ledger written). */
  readonly done: Promise<RouterResult>;
  /** The suggestion id every request served from this call shares. */
  readonly id: string;
  /** The postprocessed text, once computed (memoized: every waiter sees the same suggestion). */
  final?: string;
  /** Whether a requester got this call's text to show. */
  shown = false;
  /** Names of the postprocess rules that changed the text. */
  changedBy: string[] = [];
  /** Characters after the cursor the final text replaces. */
  replaceLength = 0;
  private readonly controller = new AbortController();
  private consumers = 0;
  private keepUntil = 0;
  private abortTimer?: ReturnType<typeof setTimeout>;
  private settle!: (outcome: GenerationOutcome) => void;
  private isSettled = false;
  private readonly prompts = new Map<string, BuiltPrompt>();
  private currentModel?: string;
  aborted = false;

  constructor(private readonly options: GenerationOptions, id: string) {
    this.id = id;
    this.settled = new Promise((resolve) => (this.settle = resolve));
    // The router's stream never throws by contract; if anything here does, waiters still get an answer.
    this.done = this.run().catch((err: unknown) => this.failed(err));
  }

  get ctx(): CompletionContext {
    return this.options.ctx;
  }

  get docPrefix(): string {
    return this.options.docPrefix;
  }

  get filepath(): string {
    return this.options.ctx.filepath;
  }

  get settledYet(): boolean {
    return this.isSettled;
  }

  get docSuffix(): string {
    return this.options.docSuffix;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  promptFor(model?: string): BuiltPrompt | undefined {
    return model ? this.prompts.get(model) : undefined;
  }

  attach(): void {
    this.consumers++;
    if (this.abortTimer) {
      clearTimeout(this.abortTimer);
      this.abortTimer = undefined;
    }
  }

  /** A waiter left; with nobody left, abort after the grace period (unless someone attaches). */
  detach(): void {
    this.consumers = Math.max(0, this.consumers - 1);
    // A settled call may still stream in the background (early settle): let it finish and be recorded.
    if (this.consumers > 0 || this.finished || this.isSettled || this.abortTimer) return;
    const grace = Math.max(this.options.graceMs, this.keepUntil - Date.now());
    if (grace <= 0) this.abort();
    else this.abortTimer = setTimeout(() => this.abort(), grace);
  }

  /**
   * The user typed the start of this call's text: the editor will ask again shortly, so keep the
   * call alive a little longer than the usual grace when its requester leaves.
   */
  keepAlive(ms: number): void {
    this.keepUntil = Math.max(this.keepUntil, Date.now() + ms);
    if (this.abortTimer) {
      // The requester already left (the cancel came before the change event): push the abort back.
      clearTimeout(this.abortTimer);
      this.abortTimer = setTimeout(() => this.abort(), this.keepUntil - Date.now());
    }
  }

  abort(): void {
    if (this.abortTimer) clearTimeout(this.abortTimer);
    this.abortTimer = undefined;
    if (this.finished || this.controller.signal.aborted) return;
    this.aborted = true;
    // The router copies `outcome` into the ledger record when the call ends.
    this.options.attributes.outcome = 'cancelled';
    this.controller.abort();
  }

  /** Whether what the user typed since the request (`typed`) agrees with the text streamed so far. */
  agreesWith(typed: string): boolean {
    if (this.controller.signal.aborted) return false;
    const text = cleanPartial(this.raw, this.promptFor(this.currentModel), this.options.ctx);
    if (text.startsWith(typed)) return true;
    return !this.finished && !this.isSettled && typed.startsWith(text);
  }

  private requestFor = (model: ResolvedModel): ModelRequest => {
    const mode: PromptMode = promptModeFor(model, this.options.config.models[model.name]);
    const prompt = buildPrompt(this.options.ctx, mode);
    this.prompts.set(model.name, prompt);
    return prompt.request;
  };

  private resolveWith(status: GenerationOutcome['status'], result?: RouterResult): void {
    if (this.isSettled) return;
    this.isSettled = true;
    const model = result?.model ?? this.currentModel;
    this.settle({
      status,
      raw: this.raw,
      prompt: this.promptFor(model),
      model,
      modelId: result?.modelId,
      provider: result?.provider,
      traceId: result?.traceId,
      error: result?.error,
    });
  }

  private async run(): Promise<RouterResult> {
    const { router, ctx, config } = this.options;
    const stream = router.stream({
      task: 'completion',
      feature: 'completion',
      // The head candidate's prompt (recorded in the trace); requestFor builds each candidate's own.
      request: buildPrompt(ctx, headPromptMode(config)).request,
      requestFor: this.requestFor,
      signal: this.controller.signal,
      attributes: this.options.attributes,
      ...(this.options.parentSpan ? { parentSpan: this.options.parentSpan } : {}),
    });
    for await (const event of stream) {
      if (event.type === 'attempt') {
        this.currentModel = event.model;
        this.raw = '';
      } else if (event.type === 'text') {
        this.raw += event.text;
        if (!this.isSettled) {
          const settled = settleText(this.raw, this.promptFor(this.currentModel), ctx);
          if (settled !== undefined) this.resolveWithPartial(settled);
        }
      }
    }
    const result = await stream.result;
    this.finished = true;
    if (this.abortTimer) clearTimeout(this.abortTimer);
    this.options.onResult?.(result);
    this.resolveWith(result.status, result);
    return result;
  }

  private failed(err: unknown): RouterResult {
    this.finished = true;
    const error = new ModelError({ kind: 'unknown', message: `Completion failed: ${err instanceof Error ? err.message : String(err)}`, cause: err });
    const result: RouterResult = {
      traceId: '',
      status: 'error',
      text: this.raw,
      toolCalls: [],
      attempts: [],
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: null,
      latencyMs: 0,
      error,
    };
    this.resolveWith('error', result);
    return result;
  }

  /** Settles early with the complete lines so far; the call finishes in the background. */
  private resolveWithPartial(raw: string): void {
    const model = this.currentModel;
    if (this.isSettled) return;
    this.isSettled = true;
    this.settle({ status: 'ok', raw, prompt: this.promptFor(model), model, modelId: undefined, provider: undefined, traceId: undefined });
  }
}
