/** Base URL checks per provider kind: data-driven cases of right URLs and the common mistakes. */
import assert from 'node:assert/strict';
import { checkBaseUrl, DEFAULT_BASE_URLS } from '../../src/core/models/baseUrl';
import { ModelError } from '../../src/core/models/errors';
import type { ProviderKind } from '../../src/core/models/types';

const ok: { kind: ProviderKind; url?: string; expect: string; warns?: boolean }[] = [
  { kind: 'openai', expect: DEFAULT_BASE_URLS.openai },
  { kind: 'anthropic', expect: DEFAULT_BASE_URLS.anthropic },
  { kind: 'anthropic', url: 'https://api.anthropic.com/', expect: 'https://api.anthropic.com' },
  { kind: 'anthropic', url: 'https://gateway.example.com/anthropic', expect: 'https://gateway.example.com/anthropic' },
  { kind: 'openai-compatible', url: 'http://127.0.0.1:11434/v1', expect: 'http://127.0.0.1:11434/v1' },
  { kind: 'openai-compatible', url: 'http://localhost:8000/v1/', expect: 'http://localhost:8000/v1' },
  { kind: 'openai-compatible', url: 'https://openrouter.ai/api/v1', expect: 'https://openrouter.ai/api/v1' },
  { kind: 'openai-compatible', url: 'https://api.groq.com/openai/v1', expect: 'https://api.groq.com/openai/v1' },
  { kind: 'openai-compatible', url: 'https://generativelanguage.googleapis.com/v1beta/openai', expect: 'https://generativelanguage.googleapis.com/v1beta/openai' },
  { kind: 'openai-compatible', url: 'https://api.deepseek.com', expect: 'https://api.deepseek.com' },
  { kind: 'openai', url: 'https://proxy.example.com/openai/v1', expect: 'https://proxy.example.com/openai/v1' },
  { kind: 'openai-compatible', url: 'https://example.com/custom/path', expect: 'https://example.com/custom/path', warns: true },
];

const bad: { kind: ProviderKind; url?: string; message: RegExp; fix: string | RegExp }[] = [
  { kind: 'anthropic', url: 'https://api.anthropic.com/v1', message: /ends in \/v1: the Anthropic SDK appends \/v1\/messages itself/, fix: 'Set providers.p.baseUrl to the host root: https://api.anthropic.com' },
  { kind: 'anthropic', url: 'https://api.anthropic.com/v1/messages', message: /ends in \/v1\/messages/, fix: 'Set providers.p.baseUrl to the host root: https://api.anthropic.com' },
  { kind: 'anthropic', url: 'https://gw.example.com/anthropic/v1', message: /would go to https:\/\/gw\.example\.com\/anthropic\/v1\/v1\/messages/, fix: 'Set providers.p.baseUrl to the host root: https://gw.example.com/anthropic' },
  { kind: 'openai-compatible', url: 'http://127.0.0.1:11434', message: /has no \/v1.*Ollama is http:\/\/127\.0\.0\.1:11434\/v1/, fix: 'Set providers.p.baseUrl to http://127.0.0.1:11434/v1' },
  { kind: 'openai-compatible', url: 'http://localhost:1234/', message: /LM Studio is http:\/\/localhost:1234\/v1/, fix: 'Set providers.p.baseUrl to http://localhost:1234/v1' },
  { kind: 'openai-compatible', url: 'http://127.0.0.1:11434/api', message: /Ollama's native API/, fix: 'Set providers.p.baseUrl to http://127.0.0.1:11434/v1' },
  { kind: 'openai-compatible', url: 'http://127.0.0.1:8000/v1/chat/completions', message: /includes the endpoint path \/chat\/completions/, fix: 'Set providers.p.baseUrl to http://127.0.0.1:8000/v1' },
  { kind: 'openai', url: 'https://api.openai.com/v1/embeddings', message: /endpoint path \/embeddings/, fix: 'Set providers.p.baseUrl to https://api.openai.com/v1' },
  { kind: 'openai-compatible', url: undefined, message: /has no baseUrl/, fix: /http:\/\/127\.0\.0\.1:11434\/v1/ },
  { kind: 'openai-compatible', url: 'ftp://host/v1', message: /must start with http:\/\/ or https:\/\//, fix: /http:\/\/127\.0\.0\.1:11434\/v1/ },
  { kind: 'openai-compatible', url: 'http://host/v1?key=s3cret', message: /query string/, fix: /Remove everything after/ },
  { kind: 'openai-compatible', url: 'https://user:s3cret@proxy.example.com/v1', message: /contains a user name or password/, fix: /Set API Key/ },
];

describe('checkBaseUrl', () => {
  for (const c of ok) {
    it(`${c.kind} ${c.url ?? '(default)'} → ${c.expect}${c.warns ? ' with a warning' : ''}`, () => {
      const r = checkBaseUrl('p', { kind: c.kind, baseUrl: c.url });
      assert.equal(r.baseUrl, c.expect);
      assert.equal(r.warning !== undefined, c.warns === true, r.warning);
    });
  }
  for (const c of bad) {
    it(`${c.kind} ${c.url ?? '(missing)'} → config error with a fix`, () => {
      assert.throws(() => checkBaseUrl('p', { kind: c.kind, baseUrl: c.url }), (e: unknown) => {
        assert.ok(e instanceof ModelError);
        assert.equal(e.kind, 'config');
        assert.equal(e.provider, 'p');
        assert.match(e.message, c.message);
        assert.ok(!e.message.includes('s3cret'), 'never echoes a password');
        if (typeof c.fix === 'string') assert.equal(e.fix, c.fix);
        else assert.match(e.fix ?? '', c.fix);
        return true;
      });
    });
  }
});
