import assert from 'node:assert/strict';
import { redact } from '../../src/core/trace/redact';

// Fake secrets assembled at run time so no scanner mistakes this file for a leak.
const rep = (s: string, n: number) => s.repeat(n);
const OPENAI = `sk-proj-${rep('Ab3dE', 10)}`;
const OPENAI_LEGACY = `sk-${rep('a1B2c3', 8)}`;
const ANTHROPIC = `sk-ant-api03-${rep('xY9_z', 18)}`;
const DEEPSEEK = `sk-${rep('0f', 16)}`;
const GITHUB = `ghp_${rep('A1b2', 9)}`;
const GITHUB_PAT = `github_pat_${rep('11ABCDEF0', 9)}`;
const GITLAB = `glpat-${rep('xYz12', 4)}`;
const SLACK = `xoxb-${rep('1234', 3)}-${rep('abcd', 6)}`;
const AWS = `AKIA${rep('ABCD2345', 2)}`;
const GOOGLE = `AIza${rep('Sy1_', 8)}abc`;
const HF = `hf_${rep('aBcD', 9)}`;
const JWT = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${rep('s1G', 10)}`;
const PEM = `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA${rep('q', 64)}\n${rep('Z', 64)}\n-----END RSA PRIVATE KEY-----`;

describe('trace: redact', () => {
  const positives: Array<[string, string, string]> = [
    ['OpenAI project key', `key=${OPENAI} end`, OPENAI],
    ['OpenAI legacy key', `"${OPENAI_LEGACY}"`, OPENAI_LEGACY],
    ['Anthropic key', `ANTHROPIC_API_KEY: ${ANTHROPIC}`, ANTHROPIC],
    ['DeepSeek-style sk- key', `use ${DEEPSEEK} here`, DEEPSEEK],
    ['Bearer token', `Authorization: Bearer abc.def-123_456~xyz`, 'abc.def-123_456~xyz'],
    ['GitHub token', `token ${GITHUB}`, GITHUB],
    ['GitHub fine-grained PAT', GITHUB_PAT, GITHUB_PAT],
    ['GitLab token', `git clone https://oauth2:${GITLAB}@gitlab.com/x.git`, GITLAB],
    ['Slack token', `SLACK=${SLACK}`, SLACK],
    ['AWS access key id', `aws_access_key_id = ${AWS}`, AWS],
    ['Google API key', `?key=${GOOGLE}`, GOOGLE],
    ['Hugging Face token', HF, HF],
    ['JWT', `cookie=${JWT}`, JWT],
    ['PEM private key block', `before\n${PEM}\nafter`, 'MIIEowIBAAKCAQEA'],
    ['e-mail address', 'Contact jane.doe+dev@example.co.uk please', 'jane.doe+dev@example.co.uk'],
    ['api_key assignment (quoted)', `api_key = "s3cr3t-v4lue-123"`, 's3cr3t-v4lue-123'],
    ['password in JSON', `{"password": "hunter2hunter2"}`, 'hunter2hunter2'],
    ['env-file secret', `DATABASE_PASSWORD=Pa55w0rdXYZ`, 'Pa55w0rdXYZ'],
    ['query-string token', `https://api.example.com/v1?access_token=abcdef123456&x=1`, 'abcdef123456'],
    ['x-api-key header', `x-api-key: abcd1234efgh5678`, 'abcd1234efgh5678'],
    ['password in URL', `postgres://admin:Sup3rS3cret@db.internal:5432/app`, 'Sup3rS3cret'],
    ['credentials-file secret (lower case, unquoted)', `[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/${rep('bPxR', 3)}EXAMPLE\n`, 'wJalrXUtnFEMI'],
    ['Google OAuth token', `token ya29.a0AfH6SMB${rep('x3kL', 6)} here`, 'ya29.a0AfH6SMB'],
    ['32-hex Azure key', `AZURE key ${rep('3f2a9c7e', 4)} now`, rep('3f2a9c7e', 4)],
    ['short sk- key', `use sk-1a2b3c4d5e please`, 'sk-1a2b3c4d5e'],
    ['apiKey in an object literal', `{ apiKey: "AbCdEf123456XyZ" }`, 'AbCdEf123456XyZ'],
    ['DB_PASSWORD quoted', `DB_PASSWORD="Pa55w0rd-prod-1"`, 'Pa55w0rd-prod-1'],
  ];
  for (const [name, input, secret] of positives) {
    it(`masks ${name}`, () => {
      const out = redact(input);
      assert.ok(!out.includes(secret), `still contains the secret: ${out}`);
      assert.match(out, /\[REDACTED:[a-z-]+\]/);
    });
  }

  it('keeps the surrounding text and says what was masked', () => {
    assert.equal(redact(`Authorization: Bearer ${OPENAI}`), 'Authorization: Bearer [REDACTED:openai-key]');
    assert.equal(redact(`const key = "${ANTHROPIC}";`), 'const key = "[REDACTED:anthropic-key]";');
    assert.equal(redact('Authorization: Bearer abc.def-123_456~xyz'), 'Authorization: Bearer [REDACTED:token]');
    assert.equal(redact('mail bob@example.com now'), 'mail [REDACTED:email] now');
    assert.equal(redact(`a\n${PEM}\nb`), 'a\n[REDACTED:private-key]\nb');
  });

  const negatives = [
    'const tokens = countTokens(prompt);\nconst maxTokens = 4096;',
    'function getApiKey(provider: string) { return secrets.get(provider); }',
    'const apiKey = process.env.OPENAI_API_KEY;',
    'const token = await getToken();\nconst TOKEN = getToken();',
    "import { tokenizer } from './tokenizer';\nconst tokenizer2 = 'gpt2-tokenizer';",
    'git@github.com:switchyard-dev/switchyard.git',
    'npm install @types/node@20.19.1 lodash@4.17.21',
    '@Component({ selector: "app-root" })\nclass AppComponent {}',
    'const MAX_TOKEN = 4096; const PASSWORD_MIN_LENGTH = 12;',
    'if (skipped > 0) ask-the-user(); // sk- prefix in prose: task-runner, desk-top',
    'password: string; token?: string; secret: boolean',
    'const sha = "3f786850e387550fdab836ed7e6dc881de23001b";',
    'https://example.com/path?page=2&sort=desc',
    'The quick brown fox jumps over the lazy dog. 1 + 1 = 2.',
  ];
  for (const text of negatives) {
    it(`leaves ordinary code alone: ${JSON.stringify(text.slice(0, 40))}`, () => assert.equal(redact(text), text));
  }

  it('stays linear on adversarial input (a quadratic rule would blow the test timeout by minutes)', () => {
    for (const unit of ['a.', 'a-', 'x@', 'A_', 'a:', '-----BEGIN PRIVATE KEY-----']) {
      const text = unit.repeat(Math.ceil(200_000 / unit.length));
      assert.equal(redact(text).length > 0, true);
    }
  });

  it('is idempotent', () => {
    const once = redact(`Bearer ${OPENAI} and ${GITHUB}`);
    assert.equal(redact(once), once);
  });
});
