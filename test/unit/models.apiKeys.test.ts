/** API keys: one provider → variable mapping, one missing-key check, one fix text whose action depends on the front door. */
import assert from 'node:assert/strict';
import { keyEnvName, missingKeyError, needsApiKey, setKeyFix } from '../../src/core/models/apiKeys';

describe('models: API keys', () => {
  it('maps a provider to the variable the CLI reads: apiKeyEnv first, else the kind\'s usual one, none for a local server', () => {
    assert.equal(keyEnvName({ kind: 'openai' }), 'OPENAI_API_KEY');
    assert.equal(keyEnvName({ kind: 'anthropic' }), 'ANTHROPIC_API_KEY');
    assert.equal(keyEnvName({ kind: 'anthropic', apiKeyEnv: 'MY_KEY' }), 'MY_KEY');
    assert.equal(keyEnvName({ kind: 'openai-compatible' }), undefined);
  });

  it('one fix sentence; the VS Code and CLI forms differ only in the action they name', () => {
    assert.equal(setKeyFix('oa', { kind: 'openai' }, 'vscode'), 'Run Switchyard: Set API Key for provider "oa".');
    assert.equal(setKeyFix('oa', { kind: 'openai' }, 'cli'), 'Set OPENAI_API_KEY in the environment for provider "oa".');
    assert.equal(setKeyFix('oa', { kind: 'openai' }), 'Run Switchyard: Set API Key (VS Code) or set OPENAI_API_KEY in the environment (CLI) for provider "oa".');
    assert.equal(setKeyFix('vllm', { kind: 'openai-compatible' }, 'cli'), 'Set providers.vllm.apiKeyEnv to the environment variable that holds the key for provider "vllm".');
  });

  it('a provider that needs a key and has none is a config error whose message ends with the fix; a local server needs none', () => {
    const error = missingKeyError('oa', { kind: 'openai' }, '  ', 'vscode');
    assert.equal(error?.kind, 'config');
    assert.equal(error?.provider, 'oa');
    assert.equal(error?.message, 'No API key for provider "oa" (OpenAI). Run Switchyard: Set API Key for provider "oa".');
    assert.equal(missingKeyError('oa', { kind: 'openai' }, 'sk-x'), undefined);
    assert.equal(missingKeyError('local', { kind: 'openai-compatible' }, undefined), undefined);
    assert.ok(needsApiKey({ kind: 'openai-compatible', apiKeyEnv: 'GROQ_API_KEY' }), 'a compatible provider naming a key variable needs it');
    assert.match(missingKeyError('groq', { kind: 'openai-compatible', apiKeyEnv: 'GROQ_API_KEY', baseUrl: 'https://api.groq.com/openai/v1' }, undefined, 'cli')?.message ?? '', /^No API key for provider "groq" \(OpenAI-compatible at https:\/\/api\.groq\.com\/openai\/v1\)\. Set GROQ_API_KEY in the environment/);
  });
});
