/**
 * Where prompt-cache breakpoints go. Anthropic caches the request prefix up to each `cache_control`
 * marker (tools → system → messages, at most 4 markers, nothing below the model's minimum
 * cacheable length). Markers go on the last tool, the system prompt, the previous turn's last
 * message (so this request reads what the previous one wrote) and this request's last message (so
 * the next one can read it). The same markers travel through an OpenAI-compatible gateway that
 * passes `cache_control` through (provider setting `cacheControl`).
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import type { TokenCounter } from './tokens';

/** Anthropic accepts at most this many cache_control markers per request. */
const MAX_BREAKPOINTS = 4;

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * The smallest prefix Anthropic caches for a model, in tokens (Anthropic's prompt-caching docs):
 * 4096 for Opus 4.5+ and Haiku 4.5+, 2048 for Sonnet 4.6+ and Haiku 3 / 3.5, 1024 otherwise.
 */
export function minCacheableTokens(modelId: string): number {
  const id = (modelId.toLowerCase().split('/').pop() ?? '').replace(/(\d)\.(\d)/g, '$1-$2');
  const version = (family: string): [number, number] | undefined => {
    const m = new RegExp(`${family}-(\\d)(?:-(\\d{1,2}))?(?!\\d)`).exec(id);
    return m ? [Number(m[1]), m[2] === undefined ? 0 : Number(m[2])] : undefined;
  };
  const atLeast = (v: [number, number] | undefined, major: number, minor: number) => !!v && (v[0] > major || (v[0] === major && v[1] >= minor));
  if (/claude-3(-5)?-haiku/.test(id)) return 2048;
  if (atLeast(version('haiku'), 4, 5)) return 4096;
  if (atLeast(version('opus'), 4, 5)) return 4096;
  if (atLeast(version('sonnet'), 4, 6)) return 2048;
  return 1024;
}

interface Candidate {
  /** Tokens of the prefix up to and including this block. */
  prefixTokens: number;
  mark: () => void;
}

/** Places the markers on candidates whose prefix is long enough; returns how many were placed. */
function place(candidates: Candidate[], minTokens: number): number {
  let placed = 0;
  for (const c of candidates) {
    if (placed >= MAX_BREAKPOINTS) break;
    if (c.prefixTokens < minTokens) continue;
    c.mark();
    placed++;
  }
  return placed;
}

type AnthropicBody = Pick<Anthropic.Messages.MessageCreateParams, 'system' | 'tools' | 'messages'>;

/** Adds cache_control markers to an Anthropic Messages request body in place; returns the count. */
export function applyAnthropicBreakpoints(body: AnthropicBody, modelId: string, counter: TokenCounter): number {
  const candidates: Candidate[] = [];
  let prefix = 0;
  const tools = body.tools as Anthropic.Messages.Tool[] | undefined;
  if (tools?.length) {
    prefix += tools.reduce((n, t) => n + counter.countTokens(modelId, JSON.stringify(t)), 0);
    const last = tools[tools.length - 1]!;
    candidates.push({ prefixTokens: prefix, mark: () => void (last.cache_control = EPHEMERAL) });
  }
  if (typeof body.system === 'string' && body.system) {
    prefix += counter.countTokens(modelId, body.system);
    const text = body.system;
    candidates.push({ prefixTokens: prefix, mark: () => void (body.system = [{ type: 'text', text, cache_control: EPHEMERAL }]) });
  }
  const turnEnds: Candidate[] = [];
  for (const turn of body.messages) {
    const blocks = typeof turn.content === 'string' ? [{ type: 'text' as const, text: turn.content }] : turn.content;
    prefix += blocks.reduce((n, b) => n + counter.countTokens(modelId, 'text' in b && typeof b.text === 'string' ? b.text : JSON.stringify(b)), 0);
    if (turn.role !== 'user') continue;
    const at = prefix;
    turnEnds.push({
      prefixTokens: at,
      mark: () => {
        if (typeof turn.content === 'string') turn.content = [{ type: 'text', text: turn.content, cache_control: EPHEMERAL }];
        else {
          const last = turn.content[turn.content.length - 1] as { cache_control?: unknown } | undefined;
          if (last) last.cache_control = EPHEMERAL;
        }
      },
    });
  }
  // The previous request's last user turn (read now), then this one's (written for the next).
  candidates.push(...turnEnds.slice(-2));
  return place(candidates, minCacheableTokens(modelId));
}

type OpenAIMessage = OpenAI.Chat.ChatCompletionMessageParam;
type TextPart = { type: 'text'; text: string; cache_control?: typeof EPHEMERAL };

/**
 * The same markers in OpenAI chat format, for a gateway that forwards them to Anthropic
 * (OpenRouter, LiteLLM): the message's content becomes text parts, the last one marked.
 */
export function applyGatewayBreakpoints(messages: OpenAIMessage[], modelId: string, counter: TokenCounter): number {
  const candidates: Candidate[] = [];
  const userEnds: Candidate[] = [];
  let lastSystem: Candidate | undefined;
  let prefix = 0;
  for (const m of messages) {
    const text = typeof m.content === 'string' ? m.content : m.content ? JSON.stringify(m.content) : '';
    prefix += counter.countTokens(modelId, text);
    if (m.role !== 'system' && m.role !== 'user') continue;
    if (typeof m.content !== 'string' || !m.content) continue;
    const content = m.content;
    const c: Candidate = { prefixTokens: prefix, mark: () => void ((m as { content: TextPart[] }).content = [{ type: 'text', text: content, cache_control: EPHEMERAL }]) };
    if (m.role === 'system') lastSystem = c;
    else userEnds.push(c);
  }
  if (lastSystem) candidates.push(lastSystem);
  candidates.push(...userEnds.slice(-2));
  return place(candidates, minCacheableTokens(modelId));
}
