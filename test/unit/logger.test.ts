/** Scoped loggers: a component's lines reach the target a host routes its scope to, with no text parsing. */
import { strict as assert } from 'node:assert';
import { scopedLogger, type Logger } from '../../src/core/logger';
import { routeScope } from '../../src/host/logger';

function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(`debug ${m}`), info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

describe('scoped loggers', () => {
  it('tags a scope\'s lines on a logger that does not route scopes', () => {
    const main = memoryLogger();
    const chroma = scopedLogger(main, 'chroma');
    chroma.info('ready at http://127.0.0.1:1');
    chroma.error('restart failed');
    assert.deepEqual(main.lines, ['info [chroma] ready at http://127.0.0.1:1', 'error [chroma] restart failed']);
  });

  it('sends a routed scope to its target only, and keeps other lines (and other scopes) on the main logger', () => {
    const main = memoryLogger();
    const channel = memoryLogger();
    const logger = routeScope(main, 'chroma', channel);
    logger.warn('RAG: embedding failed');
    scopedLogger(logger, 'chroma').warn('two heartbeats were missed');
    scopedLogger(logger, 'mcp').info('connected');
    // a line that merely looks like the old "Chroma:" prefix is not routed by its text
    logger.info('Chroma: not a server line');
    assert.deepEqual(channel.lines, ['warn two heartbeats were missed']);
    assert.deepEqual(main.lines, ['warn RAG: embedding failed', 'info [mcp] connected', 'info Chroma: not a server line']);
  });
});
