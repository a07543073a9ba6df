/** `switchyard ask`: one routed model call, streamed to stdout, or one JSON object with --json. */
import { ConfigError } from '../../core/config/schema';
import type { LedgerWriteFailure } from '../../core/cost/ledgerFailure';
import type { AttemptRecord } from '../../core/router/types';
import { turnStreamOf, type TurnStream } from '../../core/chat/turn';
import type { TurnResult } from '../../core/chat/turnResult';
import type { CliCommand, CliIO } from '../types';
import { openCliTools, type CliToolSession } from './mcp';
import { parseCommandArgs, routeConfigError, readAll, UsageError, write } from '../util';
import { MaxCostWatch } from './maxCost';
import { formatUsd } from '../../core/cost/money';

const usage = 'ask [--task chat] [--model M] [--system TEXT] [--max-tokens N] [--config F] [--json] [--max-cost USD] [--tools [--approve server/tool,…] [--workspace-servers]] "question"   (or pipe the question on stdin)';

/**
 * The --json shape: stable, documented in README. `ledgerError`: the call's spend could not be recorded.
 * `traceId`: the answer's trace (with --tools and a tracer, the one trace of every round).
 */
export function jsonResult(result: TurnResult, ledgerFailure?: LedgerWriteFailure) {
  return {
    text: result.text,
    model: result.model ?? null,
    provider: result.provider ?? null,
    attempts: result.attempts.map((a) => ({ model: a.model, status: a.status, errorClass: a.errorClass ?? null, latencyMs: Math.round(a.latencyMs) })),
    usage: {
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
      cacheReadTokens: result.usage.cacheReadTokens,
      cacheWriteTokens: result.usage.cacheWriteTokens,
    },
    costUsd: result.costUsd,
    ...(result.local ? { local: true } : {}),
    /** What the provider reported the call cost (OpenRouter usage.cost, LiteLLM header); null when it did not. */
    providerCostUsd: result.providerCostUsd ?? null,
    ...(result.usageSource && result.usageSource !== 'reported' ? { usageSource: result.usageSource } : {}),
    traceId: result.traceIds[0] ?? null,
    ...(result.status !== 'ok' && result.error ? { error: { kind: result.error.kind, message: result.error.message, ...(result.error.fix ? { fix: result.error.fix } : {}) } } : {}),
    ...(result.stoppedEarly ? { stoppedEarly: result.stoppedEarly } : {}),
    ...(ledgerFailure ? { ledgerError: { path: ledgerFailure.path, code: ledgerFailure.code ?? null, message: ledgerFailure.message, fix: ledgerFailure.fix } } : {}),
  };
}

export function attemptLine(a: AttemptRecord, i: number): string {
  const what = a.status === 'ok' ? 'ok' : `${a.status === 'skipped' ? 'skipped' : 'failed'}: ${a.errorClass ?? 'error'}${a.httpStatus ? ` (HTTP ${a.httpStatus})` : ''}`;
  return `  ${i + 1}. ${a.model} [${a.provider}/${a.modelId}] ${what}${a.reason ? ` — ${a.reason}` : ''}`;
}

/**
 * Exit code of a finished call: 0 ok, 130 cancelled, 2 when nothing could even be tried (config),
 * else 1 — also when a tool loop stopped before the answer was finished (the answer is incomplete).
 */
export function exitCodeOf(result: TurnResult): number {
  if (result.status === 'ok') return result.stoppedEarly ? 1 : 0;
  if (result.status === 'cancelled') return 130;
  const configOnly = result.attempts.length > 0 ? result.attempts.every((a) => a.errorClass === 'config') : result.error?.kind === 'config';
  return configOnly ? 2 : 1;
}

async function question(positionals: string[], io: CliIO): Promise<string> {
  const given = positionals.join(' ').trim();
  if (given) return given;
  if ((io.stdin as { isTTY?: boolean }).isTTY) return '';
  return (await readAll(io.stdin)).trim();
}

export const command: CliCommand = {
  name: 'ask',
  usage,
  async run(argv, io, loadCore) {
    const { values, positionals } = parseCommandArgs('ask', argv, {
      task: { type: 'string', default: 'chat' },
      model: { type: 'string' },
      system: { type: 'string' },
      'max-tokens': { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      tools: { type: 'boolean', default: false },
      approve: { type: 'string' },
      'workspace-servers': { type: 'boolean', default: false },
      'max-cost': { type: 'string' },
    });
    const maxCost = values['max-cost'] === undefined ? undefined : Number(values['max-cost']);
    if (maxCost !== undefined && !(Number.isFinite(maxCost) && maxCost > 0)) throw new UsageError(`ask: --max-cost must be a positive amount in USD, got "${values['max-cost']}".`);
    if (!values.tools && (values.approve !== undefined || values['workspace-servers'])) {
      throw new UsageError('ask: --approve and --workspace-servers only apply with --tools.');
    }
    const maxTokens = values['max-tokens'] === undefined ? undefined : /^\d+$/.test(values['max-tokens']) ? Number(values['max-tokens']) : Number.NaN;
    if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) throw new UsageError(`ask: --max-tokens must be a positive integer, got "${values['max-tokens']}".`);
    const prompt = await question(positionals, io);
    if (!prompt) throw new UsageError('ask: no question. Pass it as an argument (switchyard ask "…") or pipe it on stdin.');

    const core = await loadCore(values.config);
    const { config } = core;
    const task = values.task;
    if (values.model !== undefined && !config.models[values.model]) {
      const known = Object.keys(config.models).join(', ') || 'none';
      throw new ConfigError(`--model: unknown model "${values.model}" (configured models: ${known}).`, `--model: unknown model "${values.model}"`);
    }
    const routeError = routeConfigError(core.router.resolve(task, values.model));
    if (routeError) throw routeError;

    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    // With --tools the MCP servers start first; without --approve every tool call is refused (never run silently).
    let tools: CliToolSession | undefined;
    try {
      if (values.tools) {
        const approve = (values.approve ?? '').split(',').map((t) => t.trim()).filter(Boolean);
        tools = await openCliTools({ router: core.router, io, approve, configPath: values.config, workspaceServers: values['workspace-servers'], tracer: core.tracer, logger: core.logger });
      }
      const messages = [
        ...(values.system ? [{ role: 'system' as const, content: values.system }] : []),
        { role: 'user' as const, content: prompt },
      ];
      const watch = maxCost === undefined ? undefined : new MaxCostWatch(maxCost, core, messages, () => controller.abort());
      const stream: TurnStream = tools
        ? tools.stream({ messages, task, model: values.model, maxTokens, signal: controller.signal, beforeModelCall: watch?.beforeModelCall })
        : turnStreamOf(core.router.stream({ task, model: values.model, feature: 'cli', request: { messages, maxTokens }, signal: controller.signal }));
      let wroteText = false;
      let endsWithNewline = true;
      for await (const event of stream) {
        if (!tools) watch?.observe(event);
        if (values.json) continue;
        if (event.type === 'text' && event.text) {
          await write(io.stdout, event.text);
          wroteText = true;
          endsWithNewline = event.text.endsWith('\n');
        } else if (event.type === 'fallback') {
          io.stderr.write(`switchyard: ${event.from} failed (${event.reason}); trying ${event.to}\n`);
        }
      }
      const result = await stream.result;
      const traceId = result.traceIds.join(', ');
      // The record of this call must be on disk (or known lost) before the answer is reported.
      await core.ledger.flush?.();
      const ledgerFailure = core.ledger.writeFailure?.();
      if (ledgerFailure) io.stderr.write(`switchyard ask: ${ledgerFailure.message} ${ledgerFailure.fix}\n`);
      const capped = watch?.reached ? { maxCostUsd: watch.maxUsd, spentUsd: watch.spentUsd(result) } : undefined;
      if (values.json) {
        await write(io.stdout, `${JSON.stringify({ ...jsonResult(result, ledgerFailure), ...(capped ? { stoppedAtMaxCost: capped } : {}) })}\n`);
      } else if (wroteText && !endsWithNewline) {
        await write(io.stdout, '\n');
      }
      if (capped) {
        // The partial answer is on stdout; the spend and why it stopped on stderr; exit 1.
        io.stderr.write(`switchyard ask: stopped at --max-cost ${formatUsd(capped.maxCostUsd)}: spent ${formatUsd(capped.spentUsd)} (trace ${traceId}).\n`);
        return 1;
      }
      if (result.status === 'ok' && result.stoppedEarly) {
        io.stderr.write(`switchyard ask: ${result.stoppedEarly}; the answer is incomplete. Raise mcp.maxToolRounds in the config, or ask a narrower question. (trace ${traceId})\n`);
        return exitCodeOf(result);
      }
      if (result.status === 'ok') {
        if ((io.stderr as { isTTY?: boolean }).isTTY && !values.json) {
          const u = result.usage;
          io.stderr.write(`— ${result.model} [${result.provider}] · ${u.inputTokens} in / ${u.outputTokens} out · ${formatUsd(result.costUsd, { local: result.local })} · trace ${traceId}\n`);
        }
        return 0;
      }
      if (result.status === 'cancelled') {
        io.stderr.write('switchyard ask: cancelled.\n');
        return exitCodeOf(result);
      }
      const lines = [`switchyard ask: task "${task}" failed${result.attempts.length > 1 ? ' — every candidate failed' : ''}:`];
      if (result.attempts.length > 0) lines.push(...result.attempts.map(attemptLine));
      else if (result.error) lines.push(`  ${result.error.message}`);
      if (result.error?.fix) lines.push(`Fix: ${result.error.fix}`);
      lines.push(`(trace ${traceId})`);
      io.stderr.write(`${lines.join('\n')}\n`);
      return exitCodeOf(result);
    } finally {
      process.removeListener('SIGINT', onSigint);
      await tools?.dispose();
    }
  },
};
