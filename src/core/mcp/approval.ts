/** Tool-call approval lives with the tool seam (core/tools/approval.ts); re-exported for MCP's callers. */
export * from '../tools/approval';
