/**
 * Reconciling running servers with the configuration: the desired set against the actual set,
 * compared by normalized spec, so only what changed starts, stops or restarts.
 */
import { connectionKey, type McpServerSpec } from './config';

/**
 * The normalized spec of one launch: the connection fields (type, command, args, env, envFile,
 * cwd, url, headers — key order ignored), enablement, and whether the host blocks it. Other fields
 * (disabled tools, source, the block reason's wording) apply to a running server in place.
 */
export function launchKey(spec: McpServerSpec, blocked: string | undefined): string {
  return JSON.stringify([connectionKey(spec), spec.disabled, Boolean(blocked)]);
}

export interface ReconcilePlan {
  /** Configured and not running: start. */
  start: McpServerSpec[];
  /** Running with another normalized spec: stop the old launch, then start this one. */
  restart: McpServerSpec[];
  /** Running with the same normalized spec: keep it running, apply the other fields. */
  keep: McpServerSpec[];
  /** Running and no longer configured: stop. */
  stop: string[];
}

/**
 * @param running each running server's launch key, by name
 * @param desired the configured servers (a later entry with the same name wins)
 * @param blocked servers the host keeps from starting, with the reason
 */
export function planReconcile(running: ReadonlyMap<string, string>, desired: readonly McpServerSpec[], blocked: Readonly<Record<string, string>> = {}): ReconcilePlan {
  const wanted = new Map(desired.map((s) => [s.name, s]));
  const plan: ReconcilePlan = { start: [], restart: [], keep: [], stop: [] };
  for (const name of running.keys()) if (!wanted.has(name)) plan.stop.push(name);
  for (const spec of wanted.values()) {
    const current = running.get(spec.name);
    if (current === undefined) plan.start.push(spec);
    else if (current === launchKey(spec, blocked[spec.name])) plan.keep.push(spec);
    else plan.restart.push(spec);
  }
  return plan;
}
