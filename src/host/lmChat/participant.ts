/**
 * @switchyard in VS Code's Chat: answers through Switchyard's router with its own context
 * (selection and #-references, retrieval from Switchyard's index, MCP tools with Switchyard's
 * approvals), slash commands /explain /fix /tests /cost, and each answer's cost in its footer.
 */
import * as vscode from 'vscode';
import type { ResolvedContext } from '../../core/chat/prompt';
import type { TurnResult } from '../../core/chat/turnResult';
import type { ApproveFn } from '../../core/tools/approval';
import { createChatTurnRunner } from '../chatTurnRunner';
import type { HostServices } from '../hostServices';
import type { McpHostHandle } from '../mcp/index';
import type { WorkspaceSearch } from '../rag/register';
import { findLmModel } from './models';
import { LM_VENDOR } from './provider';
import { costLabel, costReport, isParticipantCommand, participantMessages, type ParticipantTurn } from './participantPrompt';
import { FEATURE_VSCODE_CHAT } from './respond';

const PARTICIPANT_ID = 'switchyard.participant';

/** What an answer stores for later turns (/cost sums it). */
interface AnswerMetadata {
  costUsd: number | null;
  model?: string;
  traceId?: string;
}

/** Characters of one referenced file or selection kept in the prompt. */
const MAX_REFERENCE_CHARS = 40_000;
/** Retrieved chunks for a question (the panel's @workspace uses 8; here they share room with references). */
const RETRIEVED_CHUNKS = 6;

export interface ParticipantDeps {
  /** The extension's tool approval (host/toolApproval.ts). */
  approve: ApproveFn;
  search?: WorkspaceSearch;
  mcp?: McpHostHandle;
}

function relativePath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

async function readReference(ref: vscode.ChatPromptReference): Promise<ResolvedContext | undefined> {
  const value = ref.value;
  if (typeof value === 'string') return { kind: 'selection', title: ref.modelDescription ?? ref.id, content: value.slice(0, MAX_REFERENCE_CHARS) };
  const location = value instanceof vscode.Location ? value : undefined;
  const uri = location?.uri ?? (value instanceof vscode.Uri ? value : undefined);
  if (!uri) return undefined;
  const doc = await vscode.workspace.openTextDocument(uri);
  const range = location?.range;
  const content = (range ? doc.getText(range) : doc.getText()).slice(0, MAX_REFERENCE_CHARS);
  const title = range ? `${relativePath(uri)}:${range.start.line + 1}-${range.end.line + 1}` : relativePath(uri);
  return { kind: range ? 'selection' : 'file', title, language: doc.languageId, content };
}

/** The editor selection, for /explain /fix /tests asked without a reference. */
function activeSelection(): ResolvedContext | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return undefined;
  const sel = editor.selection;
  return {
    kind: 'selection',
    title: `${relativePath(editor.document.uri)}:${sel.start.line + 1}-${sel.end.line + 1}`,
    language: editor.document.languageId,
    content: editor.document.getText(sel).slice(0, MAX_REFERENCE_CHARS),
  };
}

function historyOf(context: vscode.ChatContext): { turns: ParticipantTurn[]; metadata: AnswerMetadata[] } {
  const turns: ParticipantTurn[] = [];
  const metadata: AnswerMetadata[] = [];
  let question: string | undefined;
  for (const turn of context.history) {
    if (turn instanceof vscode.ChatRequestTurn) {
      question = turn.prompt;
    } else if (turn instanceof vscode.ChatResponseTurn) {
      const answer = turn.response
        .map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
        .join('');
      const meta = turn.result.metadata as AnswerMetadata | undefined;
      if (meta && 'costUsd' in meta) metadata.push(meta);
      if (question !== undefined && turn.command !== 'cost') turns.push({ question, answer: answer.replace(/\n\n---\n\*[^\n]*\*\s*$/, '') });
      question = undefined;
    }
  }
  return { turns, metadata };
}

function isLocalProvider(services: HostServices, providerName: string | undefined): boolean {
  const provider = providerName ? services.core.config.providers[providerName] : undefined;
  if (!provider?.baseUrl) return false;
  try {
    const host = new URL(provider.baseUrl).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

export function registerParticipant(services: HostServices, deps: ParticipantDeps): vscode.Disposable {
  if (typeof vscode.chat?.createChatParticipant !== 'function') return new vscode.Disposable(() => undefined);

  const runTurn = createChatTurnRunner(services, { approve: deps.approve, mcp: deps.mcp, search: deps.search, feature: FEATURE_VSCODE_CHAT });

  const handler: vscode.ChatRequestHandler = async (request, context, stream, token) => {
    const { turns, metadata } = historyOf(context);
    if (request.command === 'cost') {
      stream.markdown(costReport(services.core.budget.state(), { costs: metadata.map((m) => m.costUsd), answers: metadata.length }));
      return { metadata: { costUsd: 0 } satisfies AnswerMetadata };
    }

    const contexts: ResolvedContext[] = [];
    for (const ref of request.references) {
      try {
        const resolved = await readReference(ref);
        if (resolved) contexts.push(resolved);
      } catch (err) {
        stream.progress(`Could not read ${ref.id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (contexts.length === 0 && isParticipantCommand(request.command)) {
      const selection = activeSelection();
      if (selection) contexts.push(selection);
    }
    if (deps.search && request.prompt.trim()) {
      stream.progress('Searching the workspace index…');
      try {
        const res = await deps.search.search(request.prompt, { k: RETRIEVED_CHUNKS });
        for (const hit of res.hits) {
          const c = hit.chunk;
          contexts.push({ kind: 'workspace', title: `${c.path}:${c.startLine}-${c.endLine}`, language: c.language === 'text' ? undefined : c.language, content: c.text });
          stream.reference(new vscode.Location(vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('/'), c.path), new vscode.Range(c.startLine - 1, 0, c.endLine - 1, 0)));
        }
      } catch (err) {
        services.logger.debug(`@switchyard retrieval skipped: ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    // A Switchyard model picked in the chat's model picker is honoured; any other vendor's is not ours to call.
    const core = services.core;
    const picked = request.model?.vendor === LM_VENDOR ? findLmModel(core.config, core.catalog, request.model.id) : undefined;
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    let result: TurnResult;
    try {
      const run = runTurn({
        messages: participantMessages({ command: request.command, question: request.prompt, history: turns, contexts }),
        model: picked?.target.model,
        signal: controller.signal,
        attributes: {},
        onToolCall: (call) => {
          if (call.status === 'running') stream.progress(`Running tool ${call.name}…`);
        },
      });
      for await (const event of run) {
        if (event.type === 'text' && event.text) stream.markdown(event.text);
        if (event.type === 'fallback') stream.progress(`${event.from} failed (${event.reason}); trying ${event.to}…`);
      }
      result = await run.result;
    } finally {
      cancel.dispose();
    }
    const meta: AnswerMetadata = { costUsd: result.costUsd, model: result.model, traceId: result.traceIds[0] };
    if (result.status === 'error') {
      return { errorDetails: { message: `${result.error?.message ?? 'The model call failed.'}${result.error?.fix && !result.error.message.includes(result.error.fix) ? ` ${result.error.fix}` : ''}` }, metadata: meta };
    }
    if (result.status === 'ok') {
      const seconds = (result.latencyMs / 1000).toFixed(1);
      const fell = result.attempts.filter((a) => a.status !== 'ok').length;
      stream.markdown(`\n\n---\n*${costLabel(result.costUsd, isLocalProvider(services, result.provider))} · ${result.model ?? 'model'} · ${seconds} s${fell ? ` · after ${fell} failed attempt${fell === 1 ? '' : 's'}` : ''}*`);
    }
    return { metadata: meta };
  };

  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, handler);
  participant.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'icon.png');
  return participant;
}
