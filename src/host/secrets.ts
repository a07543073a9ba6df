/** API keys in VS Code SecretStorage, one entry per provider: `switchyard.apiKey.<providerName>`. */
import type * as vscode from 'vscode';
import type { SecretSource } from '../core/basics';

const secretKeyName = (providerName: string): string => `switchyard.apiKey.${providerName}`;

export interface HostSecrets extends SecretSource {
  setApiKey(providerName: string, key: string): Promise<void>;
  deleteApiKey(providerName: string): Promise<void>;
  /** Fires with the provider name whose key changed (in this or another window). */
  onDidChange(listener: (providerName: string) => void): vscode.Disposable;
}

export function createHostSecrets(storage: vscode.SecretStorage): HostSecrets {
  const prefix = secretKeyName('');
  return {
    async apiKey(providerName) {
      const key = await storage.get(secretKeyName(providerName));
      return key?.trim() ? key.trim() : undefined;
    },
    setApiKey: (providerName, key) => Promise.resolve(storage.store(secretKeyName(providerName), key.trim())),
    deleteApiKey: (providerName) => Promise.resolve(storage.delete(secretKeyName(providerName))),
    onDidChange(listener) {
      return storage.onDidChange((e) => {
        if (e.key.startsWith(prefix)) listener(e.key.slice(prefix.length));
      });
    },
  };
}
