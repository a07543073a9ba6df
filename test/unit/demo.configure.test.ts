/**
 * The demo's configuration step (scripts/demo): the roles Add Model and `init` propose (core setup),
 * hosted models first in the chat route when a key is set, the probe's outcome said in one line;
 * a settings.json with comments keeps them.
 */
import assert from 'node:assert/strict';
import { describeLocalServer, planFor } from '../../scripts/demo/configure';
import { mergeSettingsText } from '../../scripts/demo/settingsFile';
import type { DiscoveredSource } from '../../src/core/setup/types';

const ollama = (ids: string[]): DiscoveredSource => ({ label: 'Ollama', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', ollama: true, models: ids.map((id) => ({ id })) });

describe('demo: the config it writes for a local server', () => {
  it('chat on the general model, completion on the coder with its FIM template, the embedder for the index only', () => {
    const plan = planFor(ollama(['nomic-embed-text:latest', 'llama3.2:3b', 'qwen2.5-coder:1.5b']), {});
    assert.deepEqual(plan.providers, { ollama: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' } });
    assert.deepEqual(plan.models, {
      'llama3.2:3b': { provider: 'ollama', id: 'llama3.2:3b' },
      'qwen2.5-coder:1.5b': { provider: 'ollama', id: 'qwen2.5-coder:1.5b', fim: 'template', fimTemplate: 'qwen' },
      'nomic-embed-text': { provider: 'ollama', id: 'nomic-embed-text:latest' },
    });
    assert.deepEqual(plan.routes, { chat: ['llama3.2:3b'], completion: ['qwen2.5-coder:1.5b'], embedding: ['nomic-embed-text'] });
    assert.match(plan.notes.join('\n'), /chat: llama3\.2:3b .*general model/);
  });

  it('hosted models lead the chat route when their keys are set; the local models follow', () => {
    const plan = planFor(ollama(['llama3.2:3b']), { OPENAI_API_KEY: 'sk-x', ANTHROPIC_API_KEY: 'sk-ant-x' });
    assert.deepEqual(plan.routes.chat, ['mini', 'haiku', 'llama3.2:3b']);
    assert.ok(!JSON.stringify(plan).includes('sk-'), 'keys never go into the config');
  });

  it('plans no chat route for a server with only embedders, and says why', () => {
    const plan = planFor(ollama(['nomic-embed-text:latest']), {});
    assert.equal(plan.routes.chat, undefined);
    assert.match(plan.notes.join('\n'), /chat: no model that can chat was listed/);
  });

  it('tells a server without models apart from one that is not there', () => {
    assert.match(describeLocalServer(ollama([])), /answers at .* but lists no models: pull or load one/);
    assert.match(describeLocalServer({ baseUrl: 'http://127.0.0.1:11434/v1', label: 'Ollama', reason: 'nothing is listening' }), /nothing usable at .*nothing is listening/);
    assert.equal(planFor({ baseUrl: 'http://127.0.0.1:11434/v1', label: 'Ollama', reason: 'nothing is listening' }, {}).routes.chat, undefined);
  });
});

describe('demo: merging into a settings.json with comments', () => {
  const withComments = `// my demo profile
{
  // keep me
  "editor.fontSize": 15, /* and me */
  "switchyard.routes": { "chat": ["old"] },
}
`;

  it('keeps comments and other keys, replaces the keys it writes', () => {
    const merged = mergeSettingsText(withComments, { 'switchyard.routes': { chat: ['local'] }, 'telemetry.telemetryLevel': 'off' });
    assert.ok(merged.ok);
    assert.match(merged.text, /\/\/ my demo profile/);
    assert.match(merged.text, /\/\/ keep me/);
    assert.match(merged.text, /\/\* and me \*\//);
    assert.match(merged.text, /"editor\.fontSize": 15/);
    assert.doesNotMatch(merged.text, /"old"/);
    assert.match(merged.text, /"telemetry\.telemetryLevel": "off"/);
  });

  it('starts an empty file as an object', () => {
    const merged = mergeSettingsText('', { a: 1 });
    assert.ok(merged.ok);
    assert.deepEqual(JSON.parse(merged.text), { a: 1 });
  });

  it('leaves a broken file alone and says where it is broken', () => {
    const merged = mergeSettingsText('{\n  "a": 1,\n  "b" 2\n}', { c: 3 });
    assert.equal(merged.ok, false);
    assert.match(!merged.ok ? merged.error : '', /line 3/);
  });
});
