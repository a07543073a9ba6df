import assert from 'node:assert/strict';
import { expandSlashCommand, parseSlashArguments, promptMessagesToText, splitSlashCommand, SlashCommandError, type SlashCommand, type SlashCommandSource } from '../../src/core/chat/slashCommands';

const review: SlashCommand = { command: '/git.review', arguments: [{ name: 'branch', required: true }, { name: 'style', required: false }] };
const explain: SlashCommand = { command: '/docs.explain', arguments: [{ name: 'topic', required: true }] };
const simple: SlashCommand = { command: '/everything.simple-prompt', arguments: [] };

describe('chat slash commands (MCP prompts)', () => {
  it('splits a command from its arguments, and ignores ordinary text', () => {
    assert.deepEqual(splitSlashCommand('/git.review branch=main'), { command: '/git.review', rest: 'branch=main' });
    assert.deepEqual(splitSlashCommand('  /everything.simple-prompt  '), { command: '/everything.simple-prompt', rest: '' });
    assert.equal(splitSlashCommand('what does /usr/bin do?'), undefined);
  });
  it('parses key=value pairs with quoted values', () => {
    assert.deepEqual(parseSlashArguments(review, 'branch=main style="very strict"'), { branch: 'main', style: 'very strict' });
  });
  it('takes the whole text as the only argument of a one-argument prompt', () => {
    assert.deepEqual(parseSlashArguments(explain, 'the router fallback rules'), { topic: 'the router fallback rules' });
  });
  it('names a missing required argument and shows the usage', () => {
    assert.throws(() => parseSlashArguments(review, 'style=short'), (e: Error) => e instanceof SlashCommandError && /needs "branch"\. Usage: \/git\.review branch=… \[style=…\]/.test(e.message));
  });
  it('rejects an argument the prompt does not have', () => {
    assert.throws(() => parseSlashArguments(review, 'branch=main colour=red'), /has no argument "colour"/);
  });
  it('rejects free text for a prompt with several arguments', () => {
    assert.throws(() => parseSlashArguments(review, 'main please'), /takes named arguments/);
  });
  it('keeps a single user message as is and labels a multi-message prompt', () => {
    assert.equal(promptMessagesToText([{ role: 'user', content: 'Review main.' }]), 'Review main.');
    assert.equal(promptMessagesToText([{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }]), 'User: Q\n\nAssistant: A');
  });
  it('expands a known command through its source and leaves unknown ones alone', async () => {
    const calls: Array<[string, Record<string, string>]> = [];
    const source: SlashCommandSource = {
      list: () => [review, simple],
      expand: async (c, args) => {
        calls.push([c.command, args]);
        return [{ role: 'user', content: `Review ${args.branch ?? 'nothing'}` }];
      },
    };
    assert.equal(await expandSlashCommand('/git.review branch=dev', source), 'Review dev');
    assert.deepEqual(calls, [['/git.review', { branch: 'dev' }]]);
    assert.equal(await expandSlashCommand('/unknown.cmd x', source), undefined);
    assert.equal(await expandSlashCommand('plain question', source), undefined);
  });
});
