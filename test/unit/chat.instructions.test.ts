/** Workspace instruction files: found, capped, only the found ones read, sent in the system prompt while the chip stays. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationHistory, type KeyValueStore } from '../../src/core/chat/history';
import { findInstructionFiles, INSTRUCTIONS_FILE_CAP, readInstructionFiles } from '../../src/core/chat/instructions';
import { ChatService } from '../../src/core/chat/service';
import type { TurnInput, TurnStream } from '../../src/core/chat/turn';
import type { TurnResult } from '../../src/core/chat/turnResult';
import type { ContextChip } from '../../src/core/chat/types';
import { parseConfig } from '../../src/core/config/schema';
import { silentLogger } from '../../src/core/logger';
import type { Span, Tracer } from '../../src/core/trace/types';
import { resolvingRouter } from '../support/resolvingRouter';

class MapStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get(key: string) {
    return this.data.get(key);
  }
  async update(key: string, value: unknown) {
    this.data.set(key, structuredClone(value));
  }
}

const attrs: Record<string, unknown> = {};
const span = (): Span => {
  const s: Span = { traceId: 't', spanId: 's', setAttribute: (k, v) => ((attrs[k] = v), s), setAttributes: (a) => (Object.assign(attrs, a), s), addEvent: () => s, setStatus: () => s, child: () => span(), end() {} };
  return s;
};
const tracer: Tracer = { startTrace: () => span() };

function okStream(): TurnStream {
  const result: TurnResult = { traceIds: ['t'], status: 'ok', text: 'ok', toolCalls: [], attempts: [], usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0, latencyMs: 1, model: 'm' };
  return { result: Promise.resolve(result), async *[Symbol.asyncIterator]() { yield { type: 'text', text: 'ok' } as const; } };
}

describe('chat: workspace instruction files', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'switchyard-instr-'));
    writeFileSync(join(root, 'AGENTS.md'), 'Use tabs. Never use var.');
    mkdirSync(join(root, '.github'));
    writeFileSync(join(root, '.github', 'copilot-instructions.md'), 'Answer in British English.');
    mkdirSync(join(root, '.continue', 'rules'), { recursive: true });
    writeFileSync(join(root, '.continue', 'rules', 'b.md'), 'Rule B');
    writeFileSync(join(root, '.continue', 'rules', 'a.md'), 'Rule A');
    writeFileSync(join(root, '.continue', 'rules', 'notes.txt'), 'not a rule');
    mkdirSync(join(root, '.clinerules'));
    writeFileSync(join(root, '.clinerules', 'big.md'), 'x'.repeat(INSTRUCTIONS_FILE_CAP + 500));
    writeFileSync(join(root, 'secret.txt'), 'TOP SECRET');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds AGENTS.md, copilot-instructions, .continue/rules/*.md and a .clinerules folder, in a stable order', async () => {
    assert.deepEqual(await findInstructionFiles(root), ['AGENTS.md', '.github/copilot-instructions.md', '.continue/rules/a.md', '.continue/rules/b.md', '.clinerules/big.md']);
  });

  it('a .clinerules file counts too; an empty workspace has none', async () => {
    const other = mkdtempSync(join(tmpdir(), 'switchyard-instr2-'));
    try {
      assert.deepEqual(await findInstructionFiles(other), []);
      writeFileSync(join(other, '.clinerules'), 'be brief');
      assert.deepEqual(await findInstructionFiles(other), ['.clinerules']);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('reads only files it found (no path escapes), capping each file', async () => {
    const read = await readInstructionFiles(root, ['AGENTS.md', '../etc/passwd', 'secret.txt', '.clinerules/big.md']);
    assert.deepEqual(read.map((r) => r.title), ['AGENTS.md', '.clinerules/big.md']);
    assert.ok(read[1]!.content.length < INSTRUCTIONS_FILE_CAP + 100);
    assert.match(read[1]!.content, /500 more characters of \.clinerules\/big\.md left out/);
  });

  it('the chip puts them in the system prompt (not the question), on every turn, and the trace names them', async () => {
    const inputs: TurnInput[] = [];
    let n = 0;
    const service = new ChatService({
      history: new ConversationHistory(new MapStore(), silentLogger),
      logger: silentLogger,
      core: () => ({ config: parseConfig({}), tracer, clock: { now: () => 1 }, router: resolvingRouter(parseConfig({})) }),
      runTurn: (input) => (inputs.push(input), okStream()),
      resolvers: { instructions: async (chip) => (chip.kind === 'instructions' ? readInstructionFiles(root, chip.paths) : []) },
      newId: () => `id${++n}`,
    });
    const chip: ContextChip = { kind: 'instructions', id: 'instructions', paths: ['AGENTS.md', '.github/copilot-instructions.md'] };
    const first = await service.send({ text: 'hello', chips: [chip] }, () => {});
    const system = inputs[0]!.messages[0]!;
    assert.equal(system.role, 'system');
    assert.match(system.content, /<instructions source="AGENTS.md">\nUse tabs\. Never use var\.\n<\/instructions>/);
    assert.match(system.content, /British English/);
    assert.equal(inputs[0]!.messages.at(-1)!.content, 'hello', 'the question carries no instructions');
    assert.deepEqual(attrs['switchyard.chat.instructions'], ['AGENTS.md', '.github/copilot-instructions.md']);
    const conv = service.list()[0]!;
    assert.equal(first.status, 'ok');
    await service.send({ conversationId: conv.id, text: 'again', chips: [chip] }, () => {});
    assert.match(inputs[1]!.messages[0]!.content, /Use tabs/);
    await service.send({ conversationId: conv.id, text: 'without', chips: [] }, () => {});
    assert.doesNotMatch(inputs[2]!.messages[0]!.content, /Use tabs/, 'removing the chip stops sending them');
  });
});
