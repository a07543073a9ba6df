/**
 * Switchyard's models in VS Code's own Chat: a LanguageModelChatProvider (vendor "switchyard")
 * whose picker entries are Switchyard's routes and models, answered through the router.
 */
import * as vscode from 'vscode';
import { MESSAGE_OVERHEAD_TOKENS, type TokenCounter } from '../../core/models/tokens';
import type { HostServices } from '../hostServices';
import { toNeutralMessages, ToolNames, type LmMessageShape } from './messages';
import { findLmModel, listLmModels, type LmModelEntry } from './models';
import { respondToLmChat } from './respond';

export const LM_VENDOR = 'switchyard';

type Info = vscode.LanguageModelChatInformation & { readonly entry: LmModelEntry };

/** The text a message contributes to the prompt, as the model family's tokenizer sees it. */
function messageText(message: LmMessageShape): string {
  const neutral = toNeutralMessages([message], new ToolNames(), false);
  return neutral
    .map((m) => {
      if (m.role === 'assistant') return m.content + (m.toolCalls ?? []).map((c) => c.name + c.arguments).join('');
      return m.content;
    })
    .join('\n');
}

class SwitchyardLmProvider implements vscode.LanguageModelChatProvider<Info>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(private readonly services: HostServices, private readonly tokens: TokenCounter) {
    // The picker follows the settings: models and routes added, renamed or removed.
    this.subscriptions.push(services.onDidChangeCore(() => this.changed.fire()));
  }

  provideLanguageModelChatInformation(): Info[] {
    const { config, catalog } = this.services.core;
    return listLmModels(config, catalog).map((entry) => ({
      id: entry.id,
      name: entry.name,
      family: entry.family,
      version: entry.version,
      detail: entry.detail,
      tooltip: entry.tooltip,
      maxInputTokens: entry.maxInputTokens,
      maxOutputTokens: entry.maxOutputTokens,
      capabilities: entry.capabilities,
      entry,
    }));
  }

  async provideLanguageModelChatResponse(
    model: Info,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const core = this.services.core;
    const entry = findLmModel(core.config, core.catalog, model.id);
    if (!entry) {
      throw new Error(`Switchyard: "${model.name}" is no longer in your settings. Pick another Switchyard model, or run Switchyard: Add Model.`);
    }
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    try {
      await respondToLmChat(
        core.router,
        entry,
        messages as readonly LmMessageShape[],
        { tools: options.tools, toolMode: options.toolMode },
        {
          text: (value) => progress.report(new vscode.LanguageModelTextPart(value)),
          toolCall: (callId, name, input) => progress.report(new vscode.LanguageModelToolCallPart(callId, name, input)),
        },
        controller.signal,
      );
    } finally {
      cancel.dispose();
    }
  }

  /** Called thousands of times per agent turn: local and cached (TokenCounter keeps an LRU of counts). */
  async provideTokenCount(model: Info, text: string | vscode.LanguageModelChatRequestMessage): Promise<number> {
    const family = model.entry?.family ?? model.family;
    if (typeof text === 'string') return this.tokens.countTokens(family, text);
    // Role and separators cost a few tokens per message, as in the chat formats.
    return MESSAGE_OVERHEAD_TOKENS + this.tokens.countTokens(family, messageText(text as LmMessageShape));
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}

/** Registers the provider; VS Code needs `contributes.languageModelChatProviders` for the vendor too. */
export function registerLmChatProvider(services: HostServices, tokens: TokenCounter): vscode.Disposable {
  if (typeof vscode.lm?.registerLanguageModelChatProvider !== 'function') {
    services.logger.warn('This VS Code has no language-model provider API (needs 1.104+): Switchyard models will not appear in VS Code Chat.');
    return new vscode.Disposable(() => undefined);
  }
  const provider = new SwitchyardLmProvider(services, tokens);
  const registration = vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, provider);
  return vscode.Disposable.from(registration, provider);
}
