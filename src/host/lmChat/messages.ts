/**
 * VS Code's language-model chat messages → Switchyard's neutral request. The parts are read by
 * shape, not by class, so this runs (and is tested) in plain Node; VS Code's own classes have the
 * same fields. Nothing from `options.modelOptions` is forwarded: it carries the caller's internals.
 */
import type { ChatMessage, ImageInput, ModelRequest, ToolCall, ToolDefinition } from '../../core/models/types';

/** VS Code's LanguageModelChatMessageRole; System (3) is not in the finalized enum but is sent. */
export const LM_ROLE = { user: 1, assistant: 2, system: 3 } as const;

/** The fields of a LanguageModelChatRequestMessage this mapping reads. */
export interface LmMessageShape {
  readonly role: number;
  readonly content: ReadonlyArray<unknown>;
  readonly name?: string | undefined;
}

/** The fields of a LanguageModelChatTool. */
export interface LmToolShape {
  readonly name: string;
  readonly description: string;
  readonly inputSchema?: object | undefined;
}

export interface LmRequestOptionsShape {
  readonly tools?: ReadonlyArray<LmToolShape>;
  /** LanguageModelChatToolMode: 1 = Auto, 2 = Required. */
  readonly toolMode?: number;
  readonly modelOptions?: { readonly [name: string]: unknown };
}

/** Tool names both wires accept; VS Code's may carry other characters. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Image types every vision-capable provider takes. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'toolCall'; call: ToolCall }
  | { kind: 'toolResult'; callId: string; text: string; isError: boolean }
  | { kind: 'image'; image: ImageInput }
  | { kind: 'ignored' };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function decodeData(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (isRecord(data) && Array.isArray((data as { data?: unknown }).data)) return Uint8Array.from((data as { data: number[] }).data); // a Buffer sent through JSON
  return undefined;
}

/** Text of a tool result's content parts (text parts, prompt-tsx parts and text data parts). */
function resultText(content: unknown): string {
  if (!Array.isArray(content)) return typeof content === 'string' ? content : '';
  const pieces: string[] = [];
  for (const item of content) {
    const part = readPart(item);
    if (part.kind === 'text') pieces.push(part.text);
    else if (isRecord(item) && 'value' in item && item.value !== undefined) pieces.push(JSON.stringify(item.value)); // LanguageModelPromptTsxPart
  }
  return pieces.join('');
}

function readPart(raw: unknown): Part {
  if (typeof raw === 'string') return { kind: 'text', text: raw };
  if (!isRecord(raw)) return { kind: 'ignored' };
  if (typeof raw.callId === 'string' && typeof raw.name === 'string' && 'input' in raw) {
    return { kind: 'toolCall', call: { id: raw.callId, name: raw.name, arguments: JSON.stringify(raw.input ?? {}) } };
  }
  if (typeof raw.callId === 'string' && 'content' in raw) {
    return { kind: 'toolResult', callId: raw.callId, text: resultText(raw.content), isError: raw.isError === true };
  }
  if (typeof raw.value === 'string') return { kind: 'text', text: raw.value };
  if (typeof raw.mimeType === 'string') {
    const bytes = decodeData(raw.data);
    if (!bytes) return { kind: 'ignored' };
    const mime = raw.mimeType.toLowerCase();
    if (IMAGE_TYPES.has(mime)) return { kind: 'image', image: { mimeType: mime, dataBase64: Buffer.from(bytes).toString('base64') } };
    // Text-like data parts are content; anything else (e.g. Copilot's "cache_control" hints) is not.
    if (mime.startsWith('text/') || mime === 'application/json') return { kind: 'text', text: Buffer.from(bytes).toString('utf8') };
  }
  return { kind: 'ignored' };
}

/** Keeps tool names valid on both wires, and maps the model's answer back to the caller's name. */
export class ToolNames {
  private readonly toWire = new Map<string, string>();
  private readonly fromWire = new Map<string, string>();

  wire(name: string): string {
    const known = this.toWire.get(name);
    if (known) return known;
    let candidate = TOOL_NAME.test(name) ? name : name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'tool';
    for (let i = 2; this.fromWire.has(candidate); i++) candidate = `${candidate.slice(0, 60)}_${i}`;
    this.toWire.set(name, candidate);
    this.fromWire.set(candidate, name);
    return candidate;
  }

  original(wireName: string): string {
    return this.fromWire.get(wireName) ?? wireName;
  }
}

/**
 * Maps VS Code's messages to neutral ones: role 3 → system; an assistant message's tool-call
 * parts → toolCalls; a user message's tool-result parts → tool messages (before its text, as
 * both wires require); image data parts → images on the user message when the model takes them.
 */
export function toNeutralMessages(messages: ReadonlyArray<LmMessageShape>, names: ToolNames, acceptsImages: boolean): ChatMessage[] {
  const out: ChatMessage[] = [];
  const toolNameById = new Map<string, string>();
  for (const message of messages) {
    const parts = message.content.map(readPart);
    const text = parts.flatMap((p) => (p.kind === 'text' ? [p.text] : [])).join('');
    if (message.role === LM_ROLE.system) {
      if (text) out.push({ role: 'system', content: text });
      continue;
    }
    if (message.role === LM_ROLE.assistant) {
      const toolCalls = parts.flatMap((p) => (p.kind === 'toolCall' ? [{ ...p.call, name: names.wire(p.call.name) }] : []));
      for (const c of toolCalls) toolNameById.set(c.id, c.name);
      out.push(toolCalls.length ? { role: 'assistant', content: text, toolCalls } : { role: 'assistant', content: text });
      continue;
    }
    for (const p of parts) {
      if (p.kind === 'toolResult') out.push({ role: 'tool', toolCallId: p.callId, name: toolNameById.get(p.callId) ?? 'tool', content: p.text, ...(p.isError ? { isError: true } : {}) });
    }
    const images = parts.flatMap((p) => (p.kind === 'image' ? [p.image] : []));
    const omitted = !acceptsImages && images.length ? `\n[${images.length} image(s) omitted: this model does not take images]` : '';
    if (text || omitted || (acceptsImages && images.length)) {
      out.push(acceptsImages && images.length ? { role: 'user', content: text, images } : { role: 'user', content: text + omitted });
    }
  }
  return out;
}

/** The tools VS Code offers for this request, with names valid on both wires. */
function toNeutralTools(tools: ReadonlyArray<LmToolShape> | undefined, names: ToolNames): ToolDefinition[] {
  return (tools ?? []).map((t) => ({
    name: names.wire(t.name),
    ...(t.description ? { description: t.description } : {}),
    inputSchema: isRecord(t.inputSchema) ? (t.inputSchema as Record<string, unknown>) : { type: 'object', properties: {} },
  }));
}

/** The neutral request: messages and tools only. `modelOptions` is deliberately not read. */
export function toModelRequest(messages: ReadonlyArray<LmMessageShape>, options: LmRequestOptionsShape, names: ToolNames, acceptsImages: boolean): ModelRequest {
  const tools = toNeutralTools(options.tools, names);
  return {
    messages: toNeutralMessages(messages, names, acceptsImages),
    ...(tools.length ? { tools, toolChoice: options.toolMode === 2 ? 'required' as const : 'auto' as const } : {}),
  };
}
