/** `Switchyard: Set API Key`: provider → password box → SecretStorage. Keys are never shown or logged. */
import * as vscode from 'vscode';
import { keyEnvName, needsApiKey } from '../../core/models/apiKeys';
import { registerSafeCommand, type HostServices } from '../hostServices';
import { openSettings } from '../settings';

interface ProviderItem extends vscode.QuickPickItem {
  provider: string;
}

export function registerSetApiKey(services: HostServices): void {
  registerSafeCommand(services, 'switchyard.setApiKey', async (arg?: unknown) => {
    const { config } = services.core;
    const names = Object.keys(config.providers);
    const given = arg && typeof arg === 'object' ? (arg as { provider?: string; key?: string }) : undefined;
    if (names.length === 0) {
      // Nothing to hold a key yet: Add Model asks for the key (OpenAI / Anthropic) while it sets the provider up.
      const action = await vscode.window.showInformationMessage('Switchyard has no model provider yet. Add Model finds local servers or takes an OpenAI / Anthropic key and sets everything up.', 'Add Model', 'Open Settings');
      if (action === 'Add Model') await vscode.commands.executeCommand('switchyard.addModel');
      else if (action) await openSettings('providers');
      return;
    }
    if (given?.provider && !config.providers[given.provider]) {
      throw new Error(`Unknown provider "${given.provider}" (configured: ${names.join(', ')}).`);
    }
    // Programmatic use (tests): { provider, key } stores without prompting.
    if (given?.provider && typeof given.key === 'string') {
      await services.secrets.setApiKey(given.provider, given.key);
      return;
    }

    let provider = given?.provider;
    if (!provider) {
      const items: ProviderItem[] = await Promise.all(
        names.map(async (name) => {
          const p = config.providers[name];
          const hasKey = (await services.secrets.apiKey(name)) !== undefined;
          return {
            provider: name,
            label: name,
            description: `${p.kind}${p.baseUrl ? ` · ${p.baseUrl}` : ''}`,
            detail: hasKey ? '$(key) key stored' : needsApiKey(p) ? '$(warning) no key — required' : 'no key (optional for local servers)',
          };
        }),
      );
      provider = (await vscode.window.showQuickPick(items, { title: 'Switchyard: Set API Key — which provider?' }))?.provider;
      if (!provider) return;
    }

    const p = config.providers[provider];
    const hasKey = (await services.secrets.apiKey(provider)) !== undefined;
    const env = keyEnvName(p);
    const key = await vscode.window.showInputBox({
      title: `Switchyard: API key for "${provider}" (${p.kind})`,
      prompt: `Stored in VS Code's secret storage, never in settings.${env ? ` The switchyard CLI reads ${env} instead.` : ''}${hasKey ? ' Leave empty to remove the stored key.' : ''}`,
      password: true,
      ignoreFocusOut: true,
      placeHolder: p.kind === 'anthropic' ? 'sk-ant-…' : 'sk-…',
      validateInput: (value) => (/\s/.test(value.trim()) ? 'An API key has no spaces.' : undefined),
    });
    if (key === undefined) return;
    if (!key.trim()) {
      if (!hasKey) return;
      const confirm = await vscode.window.showWarningMessage(`Remove the stored API key of "${provider}"?`, { modal: true }, 'Remove');
      if (confirm !== 'Remove') return;
      await services.secrets.deleteApiKey(provider);
      services.logger.info(`API key of provider "${provider}" removed.`);
      void vscode.window.showInformationMessage(`Switchyard: API key of "${provider}" removed.`);
      return;
    }
    await services.secrets.setApiKey(provider, key);
    services.logger.info(`API key of provider "${provider}" stored.`);
    void vscode.window.showInformationMessage(`Switchyard: API key of "${provider}" saved in secret storage.`);
  });
}
