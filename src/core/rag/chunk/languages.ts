/** Maps file extensions to language ids and to the tree-sitter grammar that parses them. */
import * as path from 'node:path';

/** Grammar file stem in @vscode/tree-sitter-wasm's `wasm/` folder (C is parsed with the C++ grammar). */
export type GrammarName = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'rust' | 'java' | 'cpp';

const byExtension: Record<string, { language: string; grammar?: GrammarName }> = {
  '.ts': { language: 'typescript', grammar: 'typescript' },
  '.mts': { language: 'typescript', grammar: 'typescript' },
  '.cts': { language: 'typescript', grammar: 'typescript' },
  '.tsx': { language: 'typescriptreact', grammar: 'tsx' },
  '.js': { language: 'javascript', grammar: 'javascript' },
  '.mjs': { language: 'javascript', grammar: 'javascript' },
  '.cjs': { language: 'javascript', grammar: 'javascript' },
  '.jsx': { language: 'javascriptreact', grammar: 'javascript' },
  '.py': { language: 'python', grammar: 'python' },
  '.go': { language: 'go', grammar: 'go' },
  '.rs': { language: 'rust', grammar: 'rust' },
  '.java': { language: 'java', grammar: 'java' },
  '.c': { language: 'c', grammar: 'cpp' },
  '.h': { language: 'c', grammar: 'cpp' },
  '.cc': { language: 'cpp', grammar: 'cpp' },
  '.cpp': { language: 'cpp', grammar: 'cpp' },
  '.cxx': { language: 'cpp', grammar: 'cpp' },
  '.hpp': { language: 'cpp', grammar: 'cpp' },
  '.hh': { language: 'cpp', grammar: 'cpp' },
  '.md': { language: 'markdown' },
  '.json': { language: 'json' },
  '.yaml': { language: 'yaml' },
  '.yml': { language: 'yaml' },
  '.sh': { language: 'shellscript' },
  '.rb': { language: 'ruby' },
  '.cs': { language: 'csharp' },
  '.php': { language: 'php' },
  '.css': { language: 'css' },
  '.html': { language: 'html' },
};

export function languageOf(filePath: string): { language: string; grammar?: GrammarName } {
  return byExtension[path.extname(filePath).toLowerCase()] ?? { language: 'text' };
}

