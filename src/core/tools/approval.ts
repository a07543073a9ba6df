/**
 * Tool-call approval, whoever provides the tool: Allow once / Allow for this session / Always allow this tool / Deny.
 * "Always" entries are "server/tool" (or "server/*") strings kept in settings
 * (`switchyard.mcp.alwaysAllow`); "session" entries live as long as the policy object.
 */

export type ApprovalChoice = 'once' | 'session' | 'always' | 'deny';

/** What the user is asked about: which server, which tool, with which arguments. */
export interface ToolApprovalRequest {
  /** The model's tool-call id (matches ToolCallView.id in the Chat tab), when a model asked. */
  callId?: string;
  /** The model-facing name, e.g. "everything__echo". */
  toolName: string;
  server: string;
  tool: string;
  arguments: unknown;
  description?: string;
  /** MCP tool annotations, e.g. readOnlyHint / destructiveHint, for the prompt's wording. */
  annotations?: Record<string, unknown>;
}

export type ApprovalOutcome =
  | { allowed: true; scope: 'once' | 'session' | 'always' | 'preapproved' }
  | { allowed: false; reason: string };

/** The approval seam the tool loop calls before every tool call. */
export type ApproveFn = (request: ToolApprovalRequest, signal?: AbortSignal) => Promise<ApprovalOutcome | boolean>;

/** "server/tool" — the key used in always-lists, session lists and the CLI's --approve flag. */
export const approvalKey = (server: string, tool: string) => `${server}/${tool}`;

/** True when `list` has "server/tool", "server/*", "*", or the model-facing name. */
export function isListed(list: readonly string[], req: Pick<ToolApprovalRequest, 'server' | 'tool' | 'toolName'>): boolean {
  return list.some((e) => e === '*' || e === approvalKey(req.server, req.tool) || e === `${req.server}/*` || e === req.toolName);
}

export interface ApprovalPolicyOptions {
  /** Current always-allowed entries (read on every call so settings edits apply at once). */
  alwaysAllow: () => readonly string[];
  /** Asks the user; undefined (dismissed) counts as deny. */
  prompt: (request: ToolApprovalRequest, signal?: AbortSignal) => Promise<ApprovalChoice | undefined>;
  /** Stores a new "always" entry (the host writes it to settings). */
  persistAlways?: (entry: string) => Promise<void>;
}

export interface ApprovalPolicy {
  approve(request: ToolApprovalRequest, signal?: AbortSignal): Promise<ApprovalOutcome>;
  /** Entries allowed for this session. */
  sessionAllowed(): string[];
  resetSession(): void;
}

export function createApprovalPolicy(opts: ApprovalPolicyOptions): ApprovalPolicy {
  const session = new Set<string>();
  return {
    async approve(req, signal) {
      if (isListed(opts.alwaysAllow(), req)) return { allowed: true, scope: 'preapproved' };
      if (session.has(approvalKey(req.server, req.tool))) return { allowed: true, scope: 'session' };
      if (signal?.aborted) return { allowed: false, reason: 'cancelled before approval' };
      const choice = await opts.prompt(req, signal);
      switch (choice) {
        case 'once':
          return { allowed: true, scope: 'once' };
        case 'session':
          session.add(approvalKey(req.server, req.tool));
          return { allowed: true, scope: 'session' };
        case 'always':
          session.add(approvalKey(req.server, req.tool));
          await opts.persistAlways?.(approvalKey(req.server, req.tool));
          return { allowed: true, scope: 'always' };
        default:
          return { allowed: false, reason: 'the user denied this tool call' };
      }
    },
    sessionAllowed: () => [...session],
    resetSession: () => session.clear(),
  };
}

/**
 * The CLI's approval: only tools named by `--approve` run (entries as in `isListed`); every other
 * call is refused, never run silently.
 */
export function createListApprover(approved: readonly string[]): ApproveFn {
  return async (req) =>
    isListed(approved, req)
      ? { allowed: true, scope: 'preapproved' }
      : { allowed: false, reason: `not approved: run again with --approve ${approvalKey(req.server, req.tool)} to allow this tool` };
}
