/**
 * Fill-in-the-middle templates per model family, the native-suffix form, and the hole-filling chat
 * prompt for chat-only models. Each template names its stop sequences.
 */
import type { ModelConfig } from '../../config/schema';
import type { ModelRequest, ResolvedModel } from '../../models/types';
import type { CompletionContext } from '../context/assemble';
import { languageName } from '../context/languages';
import type { Snippet } from '../context/snippets';

const TEMPLATE_FAMILIES = ['qwen', 'deepseek', 'starcoder', 'codellama', 'codestral', 'codegemma'] as const;
export type TemplateFamily = (typeof TEMPLATE_FAMILIES)[number];

export type PromptMode =
  | { kind: 'template'; family: TemplateFamily }
  | { kind: 'native' }
  | { kind: 'chat' };

interface FimTemplate {
  /** The raw prompt for /completions. */
  prompt(ctx: CompletionContext): string;
  /** Tokens that mean the model left the hole; checked client-side, the first few also go to the server. */
  stop: string[];
}

/** Snippets as comment lines at the top of the prefix, for templates without a multi-file form. */
function snippetComments(ctx: CompletionContext, snippets: Snippet[] = ctx.snippets): string {
  const c = ctx.lang.lineComment;
  // Markup has only block comments (<!-- … -->): one per snippet.
  if (c === '' && ctx.lang.blockComment) {
    const [open, close] = ctx.lang.blockComment;
    return snippets.map((s) => `${open} Path: ${s.filepath}\n${s.text.replaceAll(close, '')}\n${close}\n`).join('');
  }
  return snippets
    .map((s) => [`${c} Path: ${s.filepath}`, ...s.text.split('\n').map((l) => (l ? `${c} ${l}` : c))].join('\n') + '\n')
    .join('');
}

const TEMPLATES: Record<TemplateFamily, FimTemplate> = {
  // Qwen2.5-Coder: the repository form carries other files as <|file_sep|> sections.
  qwen: {
    prompt: (ctx) => {
      const fim = `<|fim_prefix|>${ctx.prefix}<|fim_suffix|>${ctx.suffix}<|fim_middle|>`;
      if (ctx.snippets.length === 0) return fim;
      const files = ctx.snippets.map((s) => `<|file_sep|>${s.filepath}\n${s.text}\n`).join('');
      return `<|repo_name|>workspace\n${files}<|file_sep|>${ctx.displayPath}\n${fim}`;
    },
    stop: ['<|endoftext|>', '<|fim_prefix|>', '<|file_sep|>', '<|fim_suffix|>', '<|fim_middle|>', '<|repo_name|>', '<|im_start|>', '<|im_end|>'],
  },
  deepseek: {
    prompt: (ctx) => `<｜fim▁begin｜>${snippetComments(ctx)}${ctx.prefix}<｜fim▁hole｜>${ctx.suffix}<｜fim▁end｜>`,
    stop: ['<｜end▁of▁sentence｜>', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', '<|EOT|>'],
  },
  // StarCoder2: file path after <fim_prefix>, other files as <file_sep> sections.
  starcoder: {
    prompt: (ctx) => {
      const files = ctx.snippets.map((s) => `<file_sep>${s.filepath}\n${s.text}\n`).join('');
      return `${files}${files ? '<file_sep>' : ''}<fim_prefix>${ctx.displayPath}\n${ctx.prefix}<fim_suffix>${ctx.suffix}<fim_middle>`;
    },
    stop: ['<|endoftext|>', '<file_sep>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>'],
  },
  codellama: {
    prompt: (ctx) => `<PRE> ${snippetComments(ctx)}${ctx.prefix} <SUF>${ctx.suffix} <MID>`,
    stop: ['<EOT>', '<PRE>', '<SUF>', '<MID>'],
  },
  // Codestral puts the suffix first; other files go before the prefix as "+++++ path" sections.
  codestral: {
    prompt: (ctx) => {
      const files = ctx.snippets.map((s) => `+++++ ${s.filepath}\n${s.text}\n\n`).join('');
      return `[SUFFIX]${ctx.suffix}[PREFIX]${files}${files ? `+++++ ${ctx.displayPath}\n` : ''}${ctx.prefix}`;
    },
    stop: ['</s>', '[PREFIX]', '[SUFFIX]', '+++++'],
  },
  codegemma: {
    prompt: (ctx) => {
      const files = ctx.snippets.map((s) => `<|file_separator|>${s.filepath}\n${s.text}\n`).join('');
      return `${files}${files ? `<|file_separator|>${ctx.displayPath}\n` : ''}<|fim_prefix|>${ctx.prefix}<|fim_suffix|>${ctx.suffix}<|fim_middle|>`;
    },
    stop: ['<|file_separator|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<end_of_turn>', '<eos>'],
  },
};

/** The template family a model id belongs to, if it is a known FIM-trained family. */
export function familyForModelId(modelId: string): TemplateFamily | undefined {
  const id = modelId.toLowerCase();
  if (/qwen[\w.-]*coder/.test(id)) return 'qwen';
  if (/deepseek[\w.-]*coder/.test(id)) return 'deepseek';
  if (/starcoder/.test(id)) return 'starcoder';
  if (/code-?llama/.test(id)) return 'codellama';
  if (/codestral/.test(id)) return 'codestral';
  if (/codegemma/.test(id)) return 'codegemma';
  return undefined;
}

function isTemplateFamily(name: string): name is TemplateFamily {
  return (TEMPLATE_FAMILIES as readonly string[]).includes(name);
}

/**
 * How to prompt a model: the config's `fim` setting first ('native' | 'template' | 'chat'), then
 * `fimTemplate`, then the family recognised from the model id; anything else is a chat model.
 */
export function promptModeFor(model: Pick<ResolvedModel, 'id' | 'nativeFim'>, config?: Pick<ModelConfig, 'fim' | 'fimTemplate'>): PromptMode {
  if (config?.fim === 'native' || (config?.fim === undefined && model.nativeFim)) return { kind: 'native' };
  if (config?.fim === 'chat') return { kind: 'chat' };
  const forced = config?.fimTemplate?.toLowerCase();
  const family = forced && isTemplateFamily(forced) ? forced : familyForModelId(model.id);
  if (family) return { kind: 'template', family };
  // fim: 'template' without a known family: StarCoder's tokens are the most widely shared.
  if (config?.fim === 'template') return { kind: 'template', family: 'starcoder' };
  return { kind: 'chat' };
}

export function stopSequencesFor(mode: PromptMode): string[] {
  if (mode.kind === 'template') return TEMPLATES[mode.family].stop;
  if (mode.kind === 'chat') return [HOLE_CLOSE];
  return [];
}

export const HOLE = '<<HOLE>>';
export const HOLE_OPEN = '<fill>';
export const HOLE_CLOSE = '</fill>';

/** The hole-filling chat prompt: the file with a marked hole, asking for the missing text only. */
function holeFillerMessages(ctx: CompletionContext): NonNullable<ModelRequest['messages']> {
  const scope = ctx.multiline
    ? `The hole may take several lines, at most ${ctx.maxLines} lines: finish the line it is on, and add lines only while they belong to the block or statement there.`
    : 'The hole is inside a single line: reply with the rest of that line only.';
  const system = [
    'You are a code completion engine. You are given a source file with one hole marked ' + HOLE + '.',
    `Reply with only the text that belongs exactly at the hole, wrapped in ${HOLE_OPEN}${HOLE_CLOSE} tags.`,
    'No explanation, no markdown fences, and never repeat code that is already before or after the hole.',
    'Keep the indentation of the surrounding code. If nothing belongs there, reply ' + HOLE_OPEN + HOLE_CLOSE + '.',
    scope,
  ].join('\n');
  const others = ctx.snippets.length
    ? 'Related code from other files:\n' + ctx.snippets.map((s) => `--- ${s.filepath}\n${s.text}`).join('\n') + '\n\n'
    : '';
  const user = `${others}File: ${ctx.displayPath} (${languageName(ctx.languageId)})\n<file>\n${ctx.prefix}${HOLE}${ctx.suffix}\n</file>`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

export interface BuiltPrompt {
  mode: PromptMode;
  request: ModelRequest;
  /** Every stop sequence, applied to the streamed text client-side. */
  stop: string[];
}

/** Most stop sequences sent to the server (OpenAI accepts at most four). */
const SERVER_STOP_LIMIT = 4;

function maxTokensFor(ctx: CompletionContext): number {
  return ctx.multiline ? Math.min(512, ctx.maxLines * 24) : 64;
}

/** Builds the model request for a context and prompt mode. */
export function buildPrompt(ctx: CompletionContext, mode: PromptMode): BuiltPrompt {
  const maxTokens = maxTokensFor(ctx);
  if (mode.kind === 'chat') {
    // Anthropic rejects whitespace-only stop sequences, so single-line cuts happen client-side.
    return { mode, request: { messages: holeFillerMessages(ctx), maxTokens, temperature: 0, stop: [HOLE_CLOSE] }, stop: [HOLE_CLOSE] };
  }
  const templateStop = mode.kind === 'template' ? TEMPLATES[mode.family].stop : [];
  const lineStop = ctx.multiline ? [] : ['\n'];
  const serverStop = [...lineStop, ...templateStop].slice(0, SERVER_STOP_LIMIT);
  if (mode.kind === 'native') {
    return {
      mode,
      request: { prompt: snippetComments(ctx) + ctx.prefix, suffix: ctx.suffix, maxTokens, temperature: 0, ...(serverStop.length ? { stop: serverStop } : {}) },
      stop: templateStop,
    };
  }
  return { mode, request: { prompt: TEMPLATES[mode.family].prompt(ctx), maxTokens, temperature: 0, stop: serverStop }, stop: templateStop };
}
