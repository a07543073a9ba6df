/**
 * One test call per role through the router (so it is priced, traced and in the ledger like any
 * call): chat answers a one-line question, completion fills a tiny hole the way the editor would
 * prompt that model, embedding embeds one string.
 */
import { languageInfo } from '../completion/context/languages';
import type { CompletionContext } from '../completion/context/assemble';
import { buildPrompt, promptModeFor } from '../completion/templating/templates';
import type { SwitchyardConfig } from '../config/schema';
import type { Router } from '../router/types';
import { formatUsd } from '../cost/money';
import type { Role } from './types';

export interface RoleCheck {
  role: Role;
  model: string;
  ok: boolean;
  /** "answered in 120 ms, $0 (local)" or the error message with its fix. */
  detail: string;
  costUsd: number | null;
}

const CHECK_CONTEXT: CompletionContext = {
  filepath: 'switchyard-check.py',
  languageId: 'python',
  lang: languageInfo('python'),
  prefix: 'def add(a, b):\n    return ',
  suffix: '\n',
  multiline: false,
  maxLines: 1,
  snippets: [],
  displayPath: 'switchyard-check.py',
};

function costText(costUsd: number | null, local?: boolean): string {
  if (costUsd === null) return 'cost unknown';
  return formatUsd(costUsd, { local });
}

/** Runs the check of each role's head model (in `routes`), one after another (local servers load models serially). */
export async function checkRoles(router: Router, config: SwitchyardConfig, routes: Partial<Record<Role, string[]>>, signal?: AbortSignal): Promise<RoleCheck[]> {
  const out: RoleCheck[] = [];
  for (const role of ['chat', 'completion', 'embedding'] as const) {
    const model = routes[role]?.[0];
    if (!model) continue;
    if (role === 'embedding') {
      try {
        const { vectors, result } = await router.embed({ inputs: ['switchyard setup check'], model, signal });
        out.push({ role, model, ok: true, detail: `${vectors[0]?.length ?? 0}-dimension vector in ${Math.round(result.latencyMs)} ms, ${costText(result.costUsd, result.local)}`, costUsd: result.costUsd });
      } catch (err) {
        const e = err as { message?: string; fix?: string };
        out.push({ role, model, ok: false, detail: `${e.message ?? String(err)}${e.fix ? ` ${e.fix}` : ''}`, costUsd: null });
      }
      continue;
    }
    const result = role === 'chat'
      ? await router.complete({ task: 'chat', model, feature: 'setup', signal, request: { messages: [{ role: 'user', content: 'Reply with one word: ready' }], maxTokens: 16, temperature: 0 } })
      : await router.complete({
        task: 'completion', model, feature: 'setup', signal,
        request: { prompt: '', maxTokens: 16 },
        requestFor: (m) => buildPrompt(CHECK_CONTEXT, promptModeFor(m, config.models[m.name])).request,
      });
    const ok = result.status === 'ok' && result.model === model;
    const detail = result.status !== 'ok'
      ? `${result.error?.message ?? 'failed'}${result.error?.fix && !result.error.message.endsWith(result.error.fix) ? ` ${result.error.fix}` : ''}`
      : `${ok ? '' : `answered by ${result.model}, not ${model}; `}"${result.text.trim().slice(0, 40)}" in ${Math.round(result.latencyMs)} ms, ${costText(result.costUsd, result.local)}`;
    out.push({ role, model, ok, detail, costUsd: result.costUsd });
  }
  return out;
}
