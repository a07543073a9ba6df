/**
 * One attempt on one model: the adapter call under its time-to-first-token and total timeouts,
 * the stream passed on to the caller, the attempt's usage settled (reported or estimated), and
 * its span with what happened.
 */
import { ModelError } from '../models/errors';
import type { FinishReason, ModelAdapter, ModelEvent, ModelRequest, ResolvedModel, Usage } from '../models/types';
import { emptyUsage } from '../models/types';
import { estimateUsage, settleUsage, type UsageReport, type UsageSource } from '../models/usage';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_SWITCHYARD_ATTEMPT,
  ATTR_SWITCHYARD_ERROR_CLASS,
  ATTR_SWITCHYARD_HTTP_STATUS,
  ATTR_SWITCHYARD_LATENCY_MS,
  ATTR_SWITCHYARD_MODEL,
  ATTR_SWITCHYARD_PROMPT_CACHE,
  ATTR_SWITCHYARD_PROVIDER,
  ATTR_SWITCHYARD_PROVIDER_COST_USD,
  ATTR_SWITCHYARD_TTFT_MS,
  ATTR_SWITCHYARD_USAGE_SOURCE,
} from '../trace/attributes';
import type { Span } from '../trace/types';
import { addUsage, ToolCallAssembly } from './assembly';
import { usageAttributes } from './record';
import { OPERATION_BY_TASK, type RouterRuntime } from './runtime';
import type { AttemptRecord, EmbedRequest, RouteRequest, RouterEvent } from './types';

export interface AttemptOutcome {
  record: AttemptRecord;
  usage: Usage;
  providerCostUsd?: number;
  /** Where the usage came from; undefined when the attempt used nothing (failed before any output). */
  usageSource?: UsageSource;
  error?: ModelError;
  deliveredOutput: boolean;
  finishReason?: FinishReason;
  vectors?: number[][];
  /** The attempt's span, still open so the caller can record what it decided. */
  span: Span;
}

/** The request of one attempt: a model request, or the inputs of an embedding call. */
export type AttemptRequest = ModelRequest | { embedInputs: string[] };

export async function runAttempt(
  rt: RouterRuntime,
  model: ResolvedModel,
  request: AttemptRequest,
  route: RouteRequest | EmbedRequest,
  task: string,
  attemptNo: number,
  parent: Span,
  emit: (event: RouterEvent) => void,
): Promise<AttemptOutcome> {
  const startMs = rt.clock.now();
  const settings = rt.config().router;
  const isEmbed = 'embedInputs' in request;
  const span = parent.child(`${OPERATION_BY_TASK[task] ?? 'chat'} ${model.id}`, {
    [ATTR_GEN_AI_OPERATION_NAME]: OPERATION_BY_TASK[task] ?? 'chat',
    [ATTR_GEN_AI_REQUEST_MODEL]: model.id,
    [ATTR_GEN_AI_PROVIDER_NAME]: model.providerKind === 'anthropic' ? 'anthropic' : 'openai',
    [ATTR_SWITCHYARD_MODEL]: model.name,
    [ATTR_SWITCHYARD_PROVIDER]: model.providerName,
    [ATTR_SWITCHYARD_ATTEMPT]: attemptNo,
  });
  if (!isEmbed) {
    if (request.maxTokens !== undefined) span.setAttribute(ATTR_GEN_AI_REQUEST_MAX_TOKENS, request.maxTokens);
    if (request.temperature !== undefined) span.setAttribute(ATTR_GEN_AI_REQUEST_TEMPERATURE, request.temperature);
  }
  const reportedUsage = emptyUsage();
  let usageReport: UsageReport = 'none';
  let invalidUsage: string | undefined;
  // This attempt's own output, for a local usage count when the provider reports none.
  let attemptText = '';
  const attemptCalls = new ToolCallAssembly();
  let providerCostUsd: number | undefined;
  let deliveredOutput = false;
  let finishReason: FinishReason | undefined;
  let vectors: number[][] | undefined;
  let ttftMs: number | undefined;
  let error: ModelError | undefined;

  const controller = new AbortController();
  const callerSignal = route.signal;
  const onCallerAbort = () => controller.abort(new ModelError({ kind: 'aborted', message: 'Cancelled.' }));
  if (callerSignal?.aborted) onCallerAbort();
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  let timedOut: 'ttft_timeout' | 'timeout' | undefined;
  const ttftLimit = isEmbed ? undefined : (route as RouteRequest).ttftTimeoutMs ?? settings.ttftTimeoutMs[task] ?? settings.ttftTimeoutMs['default'];
  const ttftTimer = ttftLimit === undefined ? undefined : setTimeout(() => {
    timedOut = 'ttft_timeout';
    controller.abort();
  }, ttftLimit);
  const totalTimer = setTimeout(() => {
    timedOut = 'timeout';
    controller.abort();
  }, settings.requestTimeoutMs);

  try {
    const adapter = await rt.deps.adapterFor(model.providerName);
    rt.rejectedKeys.noteAdapter(model.providerName, adapter);
    const events: AsyncIterable<ModelEvent> = isEmbed
      ? embedAsEvents(adapter, model, request.embedInputs, controller.signal, (v) => (vectors = v))
      : adapter.stream(model, request, controller.signal);
    for await (const event of events) {
      if (event.type === 'text' || event.type === 'tool_call_delta') {
        if (ttftMs === undefined) {
          ttftMs = rt.clock.now() - startMs;
          if (ttftTimer) clearTimeout(ttftTimer);
        }
        deliveredOutput = true;
        if (event.type === 'text') attemptText += event.text;
        else attemptCalls.add(event);
        emit(event);
      } else if (event.type === 'usage') {
        addUsage(reportedUsage, event.usage);
        if (usageReport !== 'invalid') usageReport = event.partial ? 'partial' : 'reported';
      } else if (event.type === 'usage_invalid') {
        usageReport = 'invalid';
        invalidUsage = event.reason;
      } else if (event.type === 'provider_cost') {
        providerCostUsd = (providerCostUsd ?? 0) + event.costUsd;
      } else if (event.type === 'finish') {
        finishReason = event.reason;
      } else if (event.type === 'error') {
        error = event.error;
      }
    }
    if (!error && finishReason === undefined && !isEmbed) {
      error = new ModelError({ kind: 'stream_interrupted', message: `${model.name}: the stream ended without a finish reason.`, provider: model.providerName, model: model.name });
    }
    if (error && error.kind === 'auth') rt.rejectedKeys.reject(model.providerName, adapter);
  } catch (thrown) {
    error = thrown instanceof ModelError
      ? thrown
      : new ModelError({ kind: 'unknown', message: `${model.name}: ${thrown instanceof Error ? thrown.message : String(thrown)}`, cause: thrown });
    if (error.kind === 'auth' || error.kind === 'config') rt.rejectedKeys.reject(model.providerName, undefined);
  } finally {
    if (ttftTimer) clearTimeout(ttftTimer);
    clearTimeout(totalTimer);
    callerSignal?.removeEventListener('abort', onCallerAbort);
  }

  if (error && callerSignal?.aborted) {
    error = new ModelError({ kind: 'aborted', message: 'Cancelled.', model: model.name, provider: model.providerName });
  } else if (error && timedOut) {
    error = timedOut === 'ttft_timeout'
      ? new ModelError({ kind: 'ttft_timeout', message: `${model.name} sent no first token within ${ttftLimit} ms.`, model: model.name, provider: model.providerName })
      : new ModelError({ kind: 'timeout', message: `${model.name} did not finish within ${settings.requestTimeoutMs} ms.`, model: model.name, provider: model.providerName });
  }

  const { usage, source: usageSource } = settleUsage(usageReport, reportedUsage, !error || deliveredOutput, () => estimateUsage(request, attemptText, attemptCalls.calls()));
  if (invalidUsage !== undefined) {
    rt.deps.logger.warn(`${model.name} (${model.providerName}) sent usage that cannot be right: ${invalidUsage}. The call's cost is recorded as unknown.`);
  }
  const latencyMs = rt.clock.now() - startMs;
  const record: AttemptRecord = {
    model: model.name,
    modelId: model.id,
    provider: model.providerName,
    status: error ? 'error' : 'ok',
    latencyMs,
    ...(ttftMs !== undefined ? { ttftMs } : {}),
    ...(error ? { errorClass: error.kind, reason: error.message, ...(error.status ? { httpStatus: error.status } : {}) } : {}),
  };
  span.setAttributes(usageAttributes(usage));
  if (providerCostUsd !== undefined) span.setAttribute(ATTR_SWITCHYARD_PROVIDER_COST_USD, providerCostUsd);
  if (!isEmbed && request.promptCache) span.setAttribute(ATTR_SWITCHYARD_PROMPT_CACHE, true);
  if (usageSource) span.setAttribute(ATTR_SWITCHYARD_USAGE_SOURCE, usageSource);
  if (ttftMs !== undefined) span.setAttribute(ATTR_SWITCHYARD_TTFT_MS, ttftMs);
  if (finishReason) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [finishReason]);
  if (error) {
    span.setAttribute(ATTR_ERROR_TYPE, error.kind);
    span.setAttribute(ATTR_SWITCHYARD_ERROR_CLASS, error.kind);
    if (error.status) span.setAttribute(ATTR_SWITCHYARD_HTTP_STATUS, error.status);
    span.setStatus(error.kind === 'aborted' ? 'ok' : 'error', error.message);
  } else {
    span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, model.id);
    span.setStatus('ok');
  }
  span.setAttribute(ATTR_SWITCHYARD_LATENCY_MS, latencyMs);
  return { record, usage, usageSource, providerCostUsd, error, deliveredOutput, finishReason, vectors, span };
}

async function* embedAsEvents(
  adapter: ModelAdapter,
  model: ResolvedModel,
  inputs: string[],
  signal: AbortSignal,
  onVectors: (vectors: number[][]) => void,
): AsyncIterable<ModelEvent> {
  try {
    const { vectors, usage, invalidUsage, usageMissing } = await adapter.embed(model, inputs, signal);
    onVectors(vectors);
    if (invalidUsage !== undefined) yield { type: 'usage_invalid', reason: invalidUsage };
    else if (!usageMissing) yield { type: 'usage', usage };
    yield { type: 'finish', reason: 'stop' };
  } catch (err) {
    yield {
      type: 'error',
      error: err instanceof ModelError ? err : new ModelError({ kind: 'unknown', message: String(err), cause: err }),
    };
  }
}
