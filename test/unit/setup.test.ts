/** Setup's pure parts: model classes, FIM settings, role proposal, plan merging, Continue import. */
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/core/config/schema';
import { importContinueConfig } from '../../src/core/setup/continueImport';
import { normalizeServerUrl } from '../../src/core/setup/discover';
import { applyPlan, configName, planFromChoices } from '../../src/core/setup/plan';
import { classifyModel, fimSettingFor, proposeRoles } from '../../src/core/setup/roles';
import type { DiscoveredSource } from '../../src/core/setup/types';

const local = (ids: string[], extra: Partial<DiscoveredSource> = {}): DiscoveredSource => ({ label: 'vLLM', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', ollama: false, models: ids.map((id) => ({ id })), ...extra });

describe('setup: model classes and roles', () => {
  const cases: Array<[string, string]> = [
    ['nomic-embed-text', 'embedding'], ['mxbai-embed-large:latest', 'embedding'], ['BAAI/bge-m3', 'embedding'], ['intfloat/e5-large-v2', 'embedding'],
    ['text-embedding-3-small', 'embedding'], ['all-minilm', 'embedding'],
    ['qwen2.5-coder:7b', 'coder'], ['deepseek-coder-v2', 'coder'], ['starcoder2:3b', 'coder'], ['codestral-latest', 'coder'], ['codellama:7b-code', 'coder'],
    ['llama3.2', 'general'], ['gpt-4.1', 'general'], ['claude-sonnet-4-5', 'general'], ['mistral-nemo', 'general'],
    ['whisper-1', 'unusable'], ['bge-reranker-v2-m3', 'unusable'],
  ];
  for (const [id, cls] of cases) it(`${id} → ${cls}`, () => assert.equal(classifyModel({ id }), cls));

  it('Ollama capabilities win over the id', () => {
    assert.equal(classifyModel({ id: 'mystery', capabilities: ['embedding'] }), 'embedding');
    assert.equal(classifyModel({ id: 'mystery', capabilities: ['completion', 'insert'] }), 'coder');
  });

  it('FIM setting: native for Ollama "insert", the family template otherwise, chat when unknown', () => {
    assert.deepEqual(fimSettingFor({ id: 'x', capabilities: ['insert'] }, { ollama: true, kind: 'openai-compatible' }).setting, { fim: 'native' });
    assert.deepEqual(fimSettingFor({ id: 'deepseek-coder:6.7b' }, { ollama: false, kind: 'openai-compatible' }).setting, { fim: 'template', fimTemplate: 'deepseek' });
    assert.deepEqual(fimSettingFor({ id: 'granite-code:3b' }, { ollama: false, kind: 'openai-compatible' }).setting, { fim: 'chat' });
  });

  it('never proposes an embedder as the chat model; with only an embedder, chat is missing', () => {
    const only = proposeRoles([local(['nomic-embed-text'])]);
    assert.deepEqual(only.choices.map((c) => c.role), ['embedding']);
    assert.match(only.missing.join(' '), /chat: no model that can chat/);
    const mixed = proposeRoles([local(['nomic-embed-text', 'qwen2.5-coder:7b', 'llama3.2'])]);
    assert.deepEqual(mixed.choices.map((c) => [c.role, c.model.id]), [['chat', 'llama3.2'], ['completion', 'qwen2.5-coder:7b'], ['embedding', 'nomic-embed-text']]);
  });

  // Model lists as local servers return them (Ollama tags, LM Studio and Hugging Face ids).
  const chatPicks: Array<[string[], string | undefined]> = [
    [['nomic-embed-text:latest', 'llama3.2:3b', 'qwen2.5-coder:1.5b'], 'llama3.2:3b'],
    [['nomic-embed-text:latest', 'qwen2.5-coder:7b', 'qwen2.5:7b-instruct'], 'qwen2.5:7b-instruct'],
    [['mxbai-embed-large', 'bge-m3', 'all-minilm', 'all-mpnet-base-v2'], undefined],
    [['qwen2.5-coder:1.5b'], 'qwen2.5-coder:1.5b'],
    [['text-embedding-nomic-embed-text-v1.5', 'lmstudio-community/Meta-Llama-3.1-8B-Instruct-GGUF'], 'lmstudio-community/Meta-Llama-3.1-8B-Instruct-GGUF'],
    [['Qwen/Qwen2.5-7B', 'Qwen/Qwen2.5-7B-Instruct', 'bigcode/starcoder2-3b'], 'Qwen/Qwen2.5-7B-Instruct'],
    [['deepseek-coder-6.7b-base', 'gemma-3-4b-it', 'deepseek-coder-6.7b-instruct'], 'gemma-3-4b-it'],
    [['deepseek-coder-6.7b-base', 'deepseek-coder-6.7b-instruct'], 'deepseek-coder-6.7b-instruct'],
  ];
  for (const [ids, chat] of chatPicks) {
    it(`chat from [${ids.join(', ')}] → ${chat ?? 'none'} (instruction-tuned before base, never an embedder)`, () => {
      assert.equal(proposeRoles([local(ids)]).choices.find((c) => c.role === 'chat')?.model.id, chat);
    });
  }

  it('without a coder, completion uses the chat model through the hole-filler prompt', () => {
    const { choices } = proposeRoles([local(['llama3.2'])]);
    assert.deepEqual(choices.map((c) => [c.role, c.model.id, c.config.fim]), [['chat', 'llama3.2', undefined], ['completion', 'llama3.2', 'chat']]);
    const plan = planFromChoices(choices);
    assert.equal(plan.models.length, 1, 'one model entry serves both roles');
    assert.equal(plan.models[0]!.config.fim, 'chat');
  });

  it('hosted accounts: picks from the long list, local first when both exist', () => {
    const openai: DiscoveredSource = { label: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1', ollama: false, models: ['dall-e-3', 'gpt-4.1-mini', 'gpt-4.1', 'whisper-1', 'text-embedding-3-large', 'text-embedding-3-small', 'gpt-4o-realtime-preview'].map((id) => ({ id })) };
    const { choices } = proposeRoles([openai]);
    assert.deepEqual(choices.map((c) => [c.role, c.model.id]), [['chat', 'gpt-4.1'], ['completion', 'gpt-4.1-mini'], ['embedding', 'text-embedding-3-small']]);
    const plan = planFromChoices(choices);
    assert.deepEqual(plan.providers, [{ name: 'openai', config: { kind: 'openai' } }], 'the default base URL is not written');
    const both = proposeRoles([openai, local(['llama3.2'])]);
    assert.equal(both.choices[0]!.model.id, 'llama3.2');
  });
});

describe('setup: plans and merging', () => {
  it('normalises server URLs to the /v1 base and the root', () => {
    assert.deepEqual(normalizeServerUrl('http://127.0.0.1:11434'), { base: 'http://127.0.0.1:11434/v1', root: 'http://127.0.0.1:11434' });
    assert.deepEqual(normalizeServerUrl('http://127.0.0.1:11434/v1/'), { base: 'http://127.0.0.1:11434/v1', root: 'http://127.0.0.1:11434' });
    assert.deepEqual(normalizeServerUrl('https://openrouter.ai/api/v1'), { base: 'https://openrouter.ai/api/v1', root: 'https://openrouter.ai/api' });
    assert.throws(() => normalizeServerUrl('ftp://x'), /not an http/);
  });

  it('config names: invalid characters become "-"', () => {
    assert.equal(configName('meta-llama/Llama 3.1 8B'), 'meta-llama-Llama-3.1-8B');
    assert.equal(configName('///', 'fallback'), 'fallback');
  });

  it('applying a plan twice changes nothing the second time; a taken name gets a suffix', () => {
    const plan = planFromChoices(proposeRoles([local(['llama3.2', 'qwen2.5-coder:7b'])]).choices);
    const existing = { providers: { vllm: { kind: 'openai-compatible' as const, baseUrl: 'https://elsewhere.example/v1' } }, completion: { debounceMs: 50 } };
    const once = applyPlan(existing, plan);
    assert.deepEqual(Object.keys(once.config.providers!), ['vllm', 'vllm-2']);
    assert.equal(once.config.models!['llama3.2']!.provider, 'vllm-2');
    assert.deepEqual(once.config.completion, { debounceMs: 50 });
    parseConfig(once.config);
    const twice = applyPlan(once.config, plan);
    assert.deepEqual(twice.changes, []);
    assert.deepEqual(twice.config, once.config);
  });
});

describe('setup: Continue import', () => {
  it('config.yaml: roles, providers, secrets as key variables, literal keys never copied, hub blocks reported', () => {
    const plan = importContinueConfig([
      'models:',
      '  - name: GPT-4.1',
      '    provider: openai',
      '    model: gpt-4.1',
      '    apiKey: ${{ secrets.OPENAI_WORK_KEY }}',
      '  - name: Sonnet',
      '    provider: anthropic',
      '    model: claude-sonnet-4-5',
      '    apiKey: sk-ant-literal-SECRET',
      '    roles: [chat, apply]',
      '  - name: Local coder',
      '    provider: lmstudio',
      '    model: qwen2.5-coder-7b-instruct',
      '    roles: [autocomplete]',
      '  - uses: anthropic/claude-4-sonnet',
      'mcpServers:',
      '  - name: web',
      '    type: streamable-http',
      '    url: https://mcp.example.com/mcp',
      '    requestOptions: { headers: { Authorization: "Bearer ${{ secrets.WEB_TOKEN }}" } }',
    ].join('\n'), 'config.yaml');
    assert.deepEqual(plan.providers.map((p) => [p.name, p.config]), [
      ['openai', { kind: 'openai', apiKeyEnv: 'OPENAI_WORK_KEY' }],
      ['anthropic', { kind: 'anthropic' }],
      ['lmstudio', { kind: 'openai-compatible', baseUrl: 'http://localhost:1234/v1' }],
    ]);
    assert.equal(plan.providers[0]!.needsKey?.envVar, 'OPENAI_WORK_KEY');
    assert.equal(plan.providers[1]!.needsKey?.envVar, 'ANTHROPIC_API_KEY');
    assert.ok(!JSON.stringify(plan).includes('sk-ant-literal-SECRET'), 'a literal key is never copied');
    assert.deepEqual(plan.routes, { chat: ['GPT-4.1', 'Sonnet'], completion: ['Local-coder'] });
    assert.deepEqual(plan.models.find((m) => m.name === 'Local-coder')?.config, { provider: 'lmstudio', id: 'qwen2.5-coder-7b-instruct', fim: 'template', fimTemplate: 'qwen' });
    assert.deepEqual(plan.mcpServers.web, { type: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${env:WEB_TOKEN}' } });
    assert.match(plan.warnings.join('\n'), /Sonnet: its API key was written in the Continue file and was NOT copied/);
    assert.match(plan.warnings.join('\n'), /uses: anthropic\/claude-4-sonnet/);
    parseConfig(applyPlan({}, plan).config);
  });

  it('the older config.json: models → chat, tabAutocompleteModel → completion, embeddingsProvider → embedding, experimental MCP servers', () => {
    const plan = importContinueConfig(JSON.stringify({
      models: [{ title: 'Llama', provider: 'ollama', model: 'llama3.1:8b', apiBase: 'http://gpu.lan:11434' }],
      tabAutocompleteModel: { title: 'Starcoder', provider: 'ollama', model: 'starcoder2:3b' },
      embeddingsProvider: { provider: 'ollama', model: 'nomic-embed-text' },
      experimental: { modelContextProtocolServers: [{ transport: { type: 'stdio', command: 'uvx', args: ['mcp-server-git'] } }] },
    }), 'config.json');
    assert.deepEqual(plan.providers.map((p) => p.config), [
      { kind: 'openai-compatible', baseUrl: 'http://gpu.lan:11434/v1', local: true },
      { kind: 'openai-compatible', baseUrl: 'http://localhost:11434/v1' },
    ]);
    assert.deepEqual(plan.routes, { chat: ['Llama'], completion: ['Starcoder'], embedding: ['nomic-embed-text'] });
    assert.deepEqual(plan.mcpServers['continue-mcp-1'], { type: 'stdio', command: 'uvx', args: ['mcp-server-git'] });
  });

  it('names what is wrong with a broken file', () => {
    assert.throws(() => importContinueConfig('models: [\n', 'config.yaml'), /config\.yaml is not valid YAML/);
    assert.throws(() => importContinueConfig('{"models": [', 'config.json'), /config\.json is not valid JSON/);
    assert.throws(() => importContinueConfig('- a\n- b\n', 'config.yaml'), /does not hold a Continue configuration/);
  });
});
