/** The setup vocabulary shared by discovery, role proposal, Continue import and the config writer. */
import type { ModelConfig, ProviderConfig } from '../config/schema';

/** One model a server or account lists, with what it says it can do. */
export interface DiscoveredModel {
  id: string;
  /** Ollama's /api/show capabilities ("completion", "insert", "embedding", "tools", "vision", …). */
  capabilities?: string[];
  contextWindow?: number;
}

/** A server or account that answered, with its models. */
export interface DiscoveredSource {
  /** "Ollama", "LM Studio", "llama.cpp server", "vLLM", "OpenAI", "Anthropic", or the URL's host:port. */
  label: string;
  kind: ProviderConfig['kind'];
  /** The base URL the SDK uses (OpenAI-compatible: ending in /v1). */
  baseUrl: string;
  /** Whether Ollama's native API answered (its /api/show capabilities are then known). */
  ollama: boolean;
  models: DiscoveredModel[];
  /** CLI: the environment variable the key came from (hosted accounts). */
  apiKeyEnv?: string;
}

export interface ProbeFailure {
  baseUrl: string;
  label: string;
  reason: string;
}

export type Role = 'chat' | 'completion' | 'embedding';
export const ROLES: readonly Role[] = ['chat', 'completion', 'embedding'];

/** One provider the plan adds or reuses. `name` is its key under `providers`. */
export interface PlannedProvider {
  name: string;
  config: ProviderConfig;
  /** A key is needed and not stored yet: the CLI names the variable, VS Code asks for it (SecretStorage). */
  needsKey?: { envVar?: string; reason: string };
}

export interface PlannedModel {
  name: string;
  config: ModelConfig;
}

/** What setup will write: providers, models, the head of each role's route, MCP servers, and why. */
export interface SetupPlan {
  providers: PlannedProvider[];
  models: PlannedModel[];
  /** Role → model names, best first (they go to the head of that route). */
  routes: Partial<Record<Role, string[]>>;
  mcpServers: Record<string, unknown>;
  /** One line per choice: what was chosen and why. */
  reasons: string[];
  /** Things that were skipped or need the user's attention. */
  warnings: string[];
}

export function emptyPlan(): SetupPlan {
  return { providers: [], models: [], routes: {}, mcpServers: {}, reasons: [], warnings: [] };
}
