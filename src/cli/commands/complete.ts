/**
 * `switchyard complete --file F --offset N`: one inline completion at a position of a file, through
 * the same engine as the editor (manual trigger: no debounce). Prints the postprocessed completion;
 * --json prints {text, status, model, latencyMs, cacheHit, range, finalLine, …}: `range` is the span
 * of the document `text` replaces (start = end = the offset for a pure insertion) and `finalLine`
 * the cursor's line as it reads after accepting (its last line, for a multiline completion). `--then-type TEXT` types TEXT at the
 * cursor afterwards and completes again (shows typing through a suggestion: a cache hit, no call).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CompletionEngine } from '../../core/completion/engine';
import { languageIdForPath } from '../../core/completion/context/languages';
import type { CompletionResult, ContextFile } from '../../core/completion/types';
import type { CliCommand } from '../types';
import { parseCommandArgs, routeConfigError, UsageError, write } from '../util';

const usage = 'complete --file F --offset N [--language ID] [--context F]... [--then-type TEXT] [--config F] [--json]';

/** The cursor's line after accepting a completion: what the editor shows once Tab is pressed. */
function finalLine(text: string, offset: number, result: Pick<CompletionResult, 'text' | 'replaceLength'>): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const lineEnd = nl === -1 ? text.length : nl;
  const after = text.slice(lineStart, offset) + result.text + text.slice(Math.min(lineEnd, offset + result.replaceLength), lineEnd);
  return after.slice(after.lastIndexOf('\n') + 1);
}

/** The --json shape (one line per completion); `document` adds the replace range and the final line. */
function jsonCompletion(result: CompletionResult, document?: { text: string; offset: number }) {
  return {
    status: result.status,
    text: result.text,
    ...(document
      ? {
          range: { start: document.offset, end: document.offset + result.replaceLength },
          finalLine: finalLine(document.text, document.offset, result),
        }
      : {}),
    model: result.model ?? null,
    modelId: result.modelId ?? null,
    latencyMs: Math.round(result.latencyMs * 10) / 10,
    engineMs: Math.round(result.engineMs * 100) / 100,
    cacheHit: result.cacheHit,
    source: result.source,
    multiline: result.multiline,
    traceId: result.traceId ?? null,
    ...(result.error ? { error: result.error } : {}),
  };
}

export const command: CliCommand = {
  name: 'complete',
  usage,
  async run(argv, io, loadCore) {
    const { values } = parseCommandArgs('complete', argv, {
      file: { type: 'string' },
      offset: { type: 'string' },
      language: { type: 'string' },
      context: { type: 'string', multiple: true },
      'then-type': { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (!values.file) throw new UsageError('complete: --file is required (the file to complete in).');
    const path = resolve(io.cwd, values.file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new UsageError(`complete: cannot read --file ${values.file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Decimal digits only: Number() would also take "0x10", "1e3" or " 7 ".
    const offset = values.offset === undefined ? text.length : /^\d+$/.test(values.offset) ? Number(values.offset) : Number.NaN;
    if (!Number.isInteger(offset) || offset < 0 || offset > text.length) {
      throw new UsageError(`complete: --offset must be an integer from 0 to ${text.length} (the file's length in UTF-16 code units), got "${values.offset}".`);
    }
    const openFiles: ContextFile[] = [];
    for (const f of values.context ?? []) {
      try {
        openFiles.push({ filepath: f, text: await readFile(resolve(io.cwd, f), 'utf8') });
      } catch (err) {
        throw new UsageError(`complete: cannot read --context ${f}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    const core = await loadCore(values.config);
    const routeError = routeConfigError(core.router.resolve('completion'));
    if (routeError) throw routeError;
    const engine = new CompletionEngine({ router: core.router, config: core.config, logger: core.logger, ledger: core.ledger, tracer: core.tracer, clock: core.clock, workspaceRoot: io.cwd });
    const languageId = values.language ?? languageIdForPath(path);
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const steps: { text: string; offset: number }[] = [{ text, offset }];
      const typed = values['then-type'];
      if (typed) steps.push({ text: text.slice(0, offset) + typed + text.slice(offset), offset: offset + typed.length });
      let last: CompletionResult | undefined;
      for (const step of steps) {
        last = await engine.complete({
          document: { filepath: values.file, languageId, text: step.text, offset: step.offset },
          trigger: 'manual',
          openFiles,
          signal: controller.signal,
        });
        if (values.json) await write(io.stdout, `${JSON.stringify(jsonCompletion(last, step))}\n`);
        else {
          if (last.text) await write(io.stdout, last.text.endsWith('\n') ? last.text : `${last.text}\n`);
          const what = last.status === 'ok' ? '' : `${last.status}${last.error ? `: ${last.error.message}` : ''} · `;
          const replaces = last.replaceLength > 0 ? ` · replaces ${JSON.stringify(step.text.slice(step.offset, step.offset + last.replaceLength))} after the cursor` : '';
          io.stderr.write(`— ${what}${last.model ?? 'no model'} · ${Math.round(last.latencyMs)} ms · ${last.cacheHit ? `cache hit (${last.source})` : 'model call'}${replaces}${last.traceId ? ` · trace ${last.traceId}` : ''}\n`);
          if (last.error?.fix) io.stderr.write(`Fix: ${last.error.fix}\n`);
        }
        if (last.status === 'error' || last.status === 'cancelled') break;
      }
      await engine.flush();
      if (!last || last.status === 'ok' || last.status === 'empty') return 0;
      if (last.status === 'cancelled') return 130;
      if (last.status === 'disabled') {
        io.stderr.write('switchyard complete: completions are disabled (completion.enabled or completion.languages).\n');
        return 2;
      }
      return last.error?.kind === 'config' ? 2 : 1;
    } finally {
      process.removeListener('SIGINT', onSigint);
      engine.dispose();
    }
  },
};
