/**
 * Runs every golden case under test/golden/completion: postprocess cases (document with a cursor,
 * raw model output → inserted text, and the closers after the cursor it replaces), prompt template
 * cases and multiline decisions. A new rule or template is a new data file, not a new test function.
 * Each postprocess case proves its rule: the rule it names must be among the rules that changed the
 * text (a "negative:" case: must not be), so a case cannot pass by another rule's doing.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { z } from 'zod';
import { contextFromParts } from '../../src/core/completion/context/assemble';
import { postprocess, REPLACE_STEP, RULES } from '../../src/core/completion/postprocessing';
import { buildPrompt, promptModeFor, stopSequencesFor, type PromptMode } from '../../src/core/completion/templating/templates';

const CURSOR = '<CURSOR>';
const dir = join(__dirname, '..', 'golden', 'completion');

const snippet = z.object({ filepath: z.string(), text: z.string(), kind: z.enum(['definition', 'recent_edit', 'index', 'similar']).default('similar') });

const postprocessCase = z.object({
  name: z.string(),
  rule: z.string(),
  language: z.string(),
  document: z.string().includes(CURSOR),
  raw: z.string(),
  expected: z.string(),
  prompt: z.enum(['template', 'native', 'chat']).default('template'),
  family: z.string().optional(),
  multiline: z.boolean().optional(),
  max_lines: z.number().int().positive().optional(),
  /** The characters after the cursor the completion replaces ("" for a pure insertion). */
  expected_replace: z.string().default(''),
  /** A case showing the rule leaves this text alone; defaults to names starting "negative:". */
  negative: z.boolean().optional(),
});

const templateCase = z.object({
  name: z.string(),
  language: z.string(),
  document: z.string().includes(CURSOR),
  filepath: z.string().optional(),
  model_id: z.string(),
  fim: z.enum(['native', 'template', 'chat']).optional(),
  fim_template: z.string().optional(),
  native_fim: z.boolean().default(false),
  /** Fixes the multiline decision, for cases about the template rather than the decision. */
  multiline: z.boolean().optional(),
  snippets: z.array(snippet).default([]),
  expected_mode: z.string(),
  /** Exact prompt for template/native modes. */
  expected_prompt: z.string().optional(),
  expected_suffix: z.string().optional(),
  /** Substrings that must appear in the chat messages (or prompt). */
  expected_contains: z.array(z.string()).default([]),
  expected_stop_includes: z.array(z.string()).default([]),
  expected_server_stop: z.array(z.string()).optional(),
});

const multilineCase = z.object({
  name: z.string(),
  language: z.string(),
  document: z.string().includes(CURSOR),
  expected: z.boolean(),
});

const fileSchema = z.object({
  case: z.array(postprocessCase).default([]),
  template: z.array(templateCase).default([]),
  multiline: z.array(multilineCase).default([]),
});

function split(document: string): { prefix: string; suffix: string } {
  const at = document.indexOf(CURSOR);
  return { prefix: document.slice(0, at), suffix: document.slice(at + CURSOR.length) };
}

function isNegative(c: { name: string; negative?: boolean }): boolean {
  return c.negative ?? c.name.startsWith('negative:');
}

function modeName(mode: PromptMode): string {
  return mode.kind === 'template' ? `template:${mode.family}` : mode.kind;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.toml')).sort();
const loaded = files.map((file) => {
  const parsed = fileSchema.safeParse(parse(readFileSync(join(dir, file), 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
  return { file, data: parsed.data };
});

describe('completion golden cases', () => {
  it('has at least 60 cases across TypeScript, Python, Go and Rust, with every postprocess rule covered', () => {
    const all = loaded.flatMap(({ data }) => [...data.case, ...data.template, ...data.multiline]);
    assert.ok(all.length >= 60, `only ${all.length} golden cases`);
    const languages = new Set(all.map((c) => c.language));
    for (const lang of ['typescript', 'python', 'go', 'rust']) assert.ok(languages.has(lang), `no golden case for ${lang}`);
    const proven = new Set(loaded.flatMap(({ data }) => data.case.filter((c) => !isNegative(c)).map((c) => c.rule)));
    for (const rule of [...RULES.map((r) => r.name), REPLACE_STEP]) assert.ok(proven.has(rule), `no golden case where rule ${rule} changes the text`);
  });

  it('lists each postprocess rule once', () => {
    const names = RULES.map((r) => r.name);
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
  });

  for (const { file, data } of loaded) {
    describe(file, () => {
      for (const c of data.case) {
        it(`${c.name} [${c.language}]`, () => {
          const { prefix, suffix } = split(c.document);
          const ctx = contextFromParts({ prefix, suffix, languageId: c.language, multiline: c.multiline, maxLines: c.max_lines });
          const mode: PromptMode = c.prompt === 'template' ? { kind: 'template', family: (c.family ?? 'qwen') as 'qwen' } : { kind: c.prompt };
          const out = postprocess(c.raw, { ctx, stop: stopSequencesFor(mode), promptKind: c.prompt });
          const changed = `rules that changed it: ${out.changedBy.join(', ') || 'none'}`;
          assert.equal(out.text, c.expected, changed);
          assert.equal(suffix.slice(0, out.replaceLength), c.expected_replace, `replaced after the cursor; ${changed}`);
          if (isNegative(c)) assert.ok(!out.changedBy.includes(c.rule), `${c.rule} changed the text; ${changed}`);
          else assert.ok(out.changedBy.includes(c.rule), `${c.rule} is not among the ${changed}`);
        });
      }
      for (const t of data.template) {
        it(`${t.name} [${t.language}]`, () => {
          const { prefix, suffix } = split(t.document);
          const ctx = { ...contextFromParts({ prefix, suffix, languageId: t.language, filepath: t.filepath, multiline: t.multiline }), snippets: t.snippets };
          const mode = promptModeFor({ id: t.model_id, nativeFim: t.native_fim }, { fim: t.fim, fimTemplate: t.fim_template });
          assert.equal(modeName(mode), t.expected_mode);
          const built = buildPrompt(ctx, mode);
          if (t.expected_prompt !== undefined) assert.equal(built.request.prompt, t.expected_prompt);
          if (t.expected_suffix !== undefined) assert.equal(built.request.suffix, t.expected_suffix);
          const body = built.request.messages ? built.request.messages.map((m) => m.content).join('\n') : built.request.prompt ?? '';
          for (const s of t.expected_contains) assert.ok(body.includes(s), `prompt lacks ${JSON.stringify(s)}:\n${body}`);
          for (const s of t.expected_stop_includes) assert.ok(built.stop.includes(s), `stop lacks ${JSON.stringify(s)}: ${JSON.stringify(built.stop)}`);
          if (t.expected_server_stop) assert.deepEqual(built.request.stop ?? [], t.expected_server_stop);
        });
      }
      for (const m of data.multiline) {
        it(`${m.name} [${m.language}]`, () => {
          const { prefix, suffix } = split(m.document);
          assert.equal(contextFromParts({ prefix, suffix, languageId: m.language }).multiline, m.expected);
        });
      }
    });
  }
});
