/** What the completion status bar item shows (pure: no vscode import, so it is unit-testable). */
import type { EngineStats } from '../../core/completion/engine';

export interface CompletionStatusInput {
  enabled: boolean;
  /** The active editor's language, and whether completions are off for it. */
  languageId?: string;
  languageOff: boolean;
  snoozedUntil?: number;
  /** The model the completion route tries first (pinned or route head). */
  model?: string;
  pinned: boolean;
  stats?: EngineStats;
  now: number;
}

export interface CompletionStatusView {
  text: string;
  tooltip: string;
  state: 'on' | 'off' | 'snoozed' | 'language_off' | 'no_model';
}

export function completionStatusView(input: CompletionStatusInput): CompletionStatusView {
  let state: CompletionStatusView['state'] = 'on';
  if (!input.enabled) state = 'off';
  else if (input.snoozedUntil !== undefined && input.snoozedUntil > input.now) state = 'snoozed';
  else if (input.languageOff) state = 'language_off';
  else if (!input.model) state = 'no_model';
  const icon = { on: '$(zap)', off: '$(circle-slash)', snoozed: '$(clock)', language_off: '$(circle-slash)', no_model: '$(warning)' }[state];
  const minutesLeft = input.snoozedUntil ? Math.max(1, Math.ceil((input.snoozedUntil - input.now) / 60_000)) : 0;
  const lines = [
    {
      on: 'Switchyard inline completions: on',
      off: 'Switchyard inline completions: off (click to turn on)',
      snoozed: `Switchyard inline completions: snoozed for ${minutesLeft} more min (click to resume)`,
      language_off: `Switchyard inline completions: off for ${input.languageId ?? 'this language'}`,
      no_model: 'Switchyard inline completions: no model — set switchyard.routes.completion or run "Switchyard: Pick Completion Model"',
    }[state],
  ];
  if (input.model) lines.push(`Model: ${input.model}${input.pinned ? ' (pinned)' : ' (route head)'}`);
  const s = input.stats;
  if (s) {
    const t = s.totals;
    lines.push(`This window: ${t.requests} requests, ${t.modelCalls} model calls (${t.aborted} aborted), ${t.cacheHits + t.inflightReuses} served without a call`);
    for (const [model, m] of Object.entries(s.byModel)) {
      if (m.shown === 0 && m.requests === 0) continue;
      const rate = m.acceptRate === null ? '—' : `${Math.round(m.acceptRate * 100)}%`;
      lines.push(`${model}: ${m.accepted}/${m.shown} accepted (${rate}), ${m.errors} errors`);
    }
  }
  const label = {
    on: 'Completions',
    off: 'Completions off',
    snoozed: `Completions snoozed ${minutesLeft} min`,
    language_off: `Completions off for ${input.languageId ?? 'this language'}`,
    no_model: 'Completions: no model',
  }[state];
  if (state === 'on') lines.push('Click to turn inline completions off.');
  return { text: `${icon} ${label}`, tooltip: lines.join('\n'), state };
}
