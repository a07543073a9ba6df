/**
 * Merges values into a VS Code settings.json as a person would edit it: comments, order and the
 * other keys stay; a file with syntax errors is left alone (the caller says so) rather than replaced.
 */
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export type MergeResult = { ok: true; text: string } | { ok: false; error: string };

export function mergeSettingsText(text: string, values: Record<string, unknown>): MergeResult {
  const source = text.trim() === '' ? '{}\n' : text;
  const errors: ParseError[] = [];
  const tree = parse(source, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const first = errors[0];
    const line = source.slice(0, first.offset).split('\n').length;
    return { ok: false, error: `${printParseErrorCode(first.error)} at line ${line}` };
  }
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) return { ok: false, error: 'the top level is not an object' };
  let out = source;
  for (const [key, value] of Object.entries(values)) {
    const edits = modify(out, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
    out = applyEdits(out, edits);
  }
  return { ok: true, text: out.endsWith('\n') ? out : `${out}\n` };
}
