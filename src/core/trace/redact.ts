/**
 * Masks secrets in text before it reaches a trace: API keys, bearer tokens, cloud and VCS
 * tokens, private keys, e-mail addresses and `api_key=…`-style assignments. Ordinary code survives.
 */

interface Rule {
  kind: string;
  re: RegExp;
  /** Replacement; defaults to "[REDACTED:<kind>]". */
  replace?: (match: string, ...groups: string[]) => string;
}

const mask = (kind: string) => `[REDACTED:${kind}]`;

// Order matters: specific token shapes first, then generic assignments, then e-mails.
// Every repetition that can start at many positions is bounded, so no input makes a rule quadratic.
const RULES: readonly Rule[] = [
  { kind: 'private-key', re: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END \1PRIVATE KEY\2-----|$)/g },
  { kind: 'anthropic-key', re: /\bsk-ant-[A-Za-z0-9_-]{16,}/g },
  { kind: 'openai-key', re: /\bsk-(?:proj|svcacct|admin|or-v1|None)-[A-Za-z0-9_-]{16,}/g },
  { kind: 'api-key', re: /\bsk-[A-Za-z0-9]{20,}(?:[A-Za-z0-9_-]*)/g },
  { kind: 'stripe-key', re: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: 'github-token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})/g },
  { kind: 'gitlab-token', re: /\bgl(?:pat|dt|ptt|rt|cbt|oas)-[A-Za-z0-9_-]{20,}/g },
  { kind: 'slack-token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'slack-webhook', re: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g },
  { kind: 'aws-access-key', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'google-api-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'huggingface-token', re: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { kind: 'npm-token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // Authorization headers: keep the scheme, mask the credential.
  {
    kind: 'token',
    re: /\b(Bearer|Basic|Token)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi,
    replace: (_m, scheme, space) => `${scheme}${space}${mask('token')}`,
  },
  // URLs with user:password@host.
  {
    kind: 'password',
    re: /\b([a-z][a-z0-9+.-]{0,20}:\/\/[^\s:/@]{1,64}:)([^\s@/]{3,128})(@)/gi,
    replace: (_m, head, _pw, at) => `${head}${mask('password')}${at}`,
  },
  // name = "value" / name: 'value' where the name ends in key/secret/token/password.
  {
    kind: 'secret',
    re: /(\b[A-Za-z0-9_.-]{0,40}(?:api[_-]?key|apikey|secret|secret[_-]?key|access[_-]?key|token|password|passwd|pwd|credentials?)\b["']?[ \t]{0,8}[:=][ \t]{0,8})(["'`])([^"'`\s]{6,512})\2/gi,
    replace: (_m, head, quote) => `${head}${quote}${mask('secret')}${quote}`,
  },
  // Env-file / shell style: UPPER_CASE name, unquoted value (OPENAI_API_KEY=abc…).
  {
    kind: 'secret',
    re: /(\b[A-Z0-9_]{0,40}(?:API_KEY|APIKEY|SECRET|SECRET_KEY|ACCESS_KEY|TOKEN|PASSWORD|PASSWD)[ \t]{0,8}=[ \t]{0,8})(?=[^\s"'`;&()[\]{},<>]*[A-Za-z])([^\s"'`;&()[\]{},<>]{6,})(?=$|[\s;&,"'`])/gm,
    replace: (_m, head) => `${head}${mask('secret')}`,
  },
  // Query strings: ?api_key=…&access_token=…
  {
    kind: 'secret',
    re: /([?&](?:api[_-]?key|key|access[_-]?token|token|secret|password|sig|signature)=)([^&\s#"']{6,})/gi,
    replace: (_m, head) => `${head}${mask('secret')}`,
  },
  // Header style: x-api-key: value / api-key: value.
  {
    kind: 'secret',
    re: /(\b(?:x-api-key|api-key|x-goog-api-key|anthropic-api-key)\s*:\s*)([A-Za-z0-9._~+/=-]{8,})/gi,
    replace: (_m, head) => `${head}${mask('secret')}`,
  },
  // git@github.com:org/repo is an SSH remote, not a person.
  { kind: 'email', re: /\b(?!git@)[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g },
];

/** Returns `text` with every secret replaced by "[REDACTED:<kind>]". */
export function redact(text: string): string {
  let out = text;
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    out = rule.replace
      ? out.replace(rule.re, rule.replace as (substring: string, ...args: string[]) => string)
      : out.replace(rule.re, mask(rule.kind));
  }
  return out;
}
