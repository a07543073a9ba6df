/**
 * Slash commands in the chat input: "/server.prompt" runs an MCP prompt. This module parses what
 * the user typed after the command into the prompt's arguments and turns the prompt's messages
 * into the text of the user turn.
 */
import type { ChatMessage } from '../models/types';

export interface SlashCommand {
  /** "/server.prompt" */
  command: string;
  description?: string;
  arguments: Array<{ name: string; description?: string; required: boolean }>;
}

export interface SlashCommandSource {
  list(): SlashCommand[];
  /** Runs the command's prompt with the parsed arguments; returns its messages. */
  expand(command: SlashCommand, args: Record<string, string>): Promise<ChatMessage[]>;
}

export class SlashCommandError extends Error {
  override readonly name = 'SlashCommandError';
}

/** Splits `/name rest` → ['/name', 'rest'], or undefined when the text is not a slash command. */
export function splitSlashCommand(text: string): { command: string; rest: string } | undefined {
  const match = /^(\/[A-Za-z0-9_.:-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { command: match[1], rest: (match[2] ?? '').trim() } : undefined;
}

/**
 * Parses the text after the command: `key=value` pairs (values may be "quoted"), or — for a
 * prompt with one argument — the whole text as that argument. Throws SlashCommandError naming a
 * missing required argument or an unknown one, with the usage line.
 */
export function parseSlashArguments(command: SlashCommand, rest: string): Record<string, string> {
  const usage = `${command.command} ${command.arguments.map((a) => (a.required ? `${a.name}=…` : `[${a.name}=…]`)).join(' ')}`.trim();
  const args: Record<string, string> = {};
  const pairPattern = /([A-Za-z_][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  const pairs = [...rest.matchAll(pairPattern)];
  if (pairs.length > 0 && rest.replace(pairPattern, '').trim() === '') {
    const known = new Set(command.arguments.map((a) => a.name));
    for (const m of pairs) {
      if (!known.has(m[1])) throw new SlashCommandError(`${command.command} has no argument "${m[1]}". Usage: ${usage}`);
      args[m[1]] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
    }
  } else if (rest !== '') {
    if (command.arguments.length !== 1) {
      throw new SlashCommandError(`${command.command} takes named arguments. Usage: ${usage}`);
    }
    args[command.arguments[0].name] = rest;
  }
  const missing = command.arguments.filter((a) => a.required && !args[a.name]);
  if (missing.length > 0) {
    throw new SlashCommandError(`${command.command} needs ${missing.map((a) => `"${a.name}"`).join(', ')}. Usage: ${usage}`);
  }
  return args;
}

/** The prompt's messages as the text of one user turn (a single user message stays as it is). */
export function promptMessagesToText(messages: ChatMessage[]): string {
  if (messages.length === 1 && messages[0].role === 'user') return messages[0].content;
  return messages.map((m) => `${m.role === 'assistant' ? 'Assistant' : 'User'}: ${m.content}`).join('\n\n');
}

/** Expands a slash command typed in the chat input; undefined when the text is not one of `source`'s commands. */
export async function expandSlashCommand(text: string, source: SlashCommandSource): Promise<string | undefined> {
  const split = splitSlashCommand(text);
  if (!split) return undefined;
  const command = source.list().find((c) => c.command === split.command);
  if (!command) return undefined;
  const args = parseSlashArguments(command, split.rest);
  const messages = await source.expand(command, args);
  const expanded = promptMessagesToText(messages).trim();
  if (!expanded) throw new SlashCommandError(`${command.command} returned an empty prompt.`);
  return expanded;
}
