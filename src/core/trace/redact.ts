/**
 * Masks secrets in text before it reaches a trace: API keys, bearer and OAuth tokens, cloud and VCS
 * tokens, private keys, e-mail addresses and `api_key=…`-style assignments. Ordinary code survives.
 *
 * Cost: every string attribute of every span passes through here, so the rules are compiled once
 * and one test of literal anchors decides whether any rule can match at all; most attribute values
 * (model names, paths, ids) leave after that test.
 */

interface Rule {
  kind: string;
  re: RegExp;
  /** Which prefilter group must have matched for this rule to be able to match. */
  hint: Hint;
  /** Replacement; defaults to "[REDACTED:<kind>]". */
  replace?: (match: string, ...groups: string[]) => string;
}

const mask = (kind: string) => `[REDACTED:${kind}]`;

/** Literal anchors, one per group of rules; a rule runs only when its group's anchor occurs. */
const HINTS = {
  privateKey: String.raw`-----BEGIN`,
  sk: String.raw`sk-`,
  stripe: String.raw`[rs]k_(?:live|test)_`,
  github: String.raw`gh[pousr]_|github_pat_`,
  gitlab: String.raw`gl(?:pat|dt|ptt|rt|cbt|oas)-`,
  slack: String.raw`xox[abposr]-|hooks\.slack\.com`,
  aws: String.raw`AKIA|ASIA|ABIA|ACCA`,
  google: String.raw`AIza|ya29\.`,
  hf: String.raw`hf_`,
  npm: String.raw`npm_`,
  jwt: String.raw`eyJ`,
  keyword: String.raw`key|secret|token|passw|pwd|credential|bearer|basic|sig`,
  url: String.raw`://`,
  email: String.raw`@`,
  hex: String.raw`[0-9a-f]{32}`,
} as const;
type Hint = keyof typeof HINTS;
const HINT_NAMES = Object.keys(HINTS) as Hint[];
/** All anchors as one plain alternation: a single test answers "nothing to do" for most values. */
const ANY_HINT = new RegExp(HINT_NAMES.map((h) => HINTS[h]).join('|'), 'i');
/**
 * Then one test per anchor: anchors are tested independently, so none can hide another at the
 * same position, and each test stops at its first match (measured cheaper than one zero-width
 * scan that tries every anchor at every position of the text).
 */
const HINT_TESTS: readonly RegExp[] = HINT_NAMES.map((h) => new RegExp(HINTS[h], 'i'));

// Order matters: specific token shapes first, then generic assignments, then e-mails.
// Every repetition that can start at many positions is bounded, so no input makes a rule quadratic.
const RULES: readonly Rule[] = [
  { kind: 'private-key', hint: 'privateKey', re: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END \1PRIVATE KEY\2-----|$)/g },
  { kind: 'anthropic-key', hint: 'sk', re: /\bsk-ant-[A-Za-z0-9_-]{16,}/g },
  { kind: 'openai-key', hint: 'sk', re: /\bsk-(?:proj|svcacct|admin|or-v1|None)-[A-Za-z0-9_-]{16,}/g },
  { kind: 'api-key', hint: 'sk', re: /\bsk-[A-Za-z0-9]{20,}(?:[A-Za-z0-9_-]*)/g },
  // Short sk- keys (proxies, LiteLLM virtual keys, test keys): at least 8 characters, one a digit.
  { kind: 'api-key', hint: 'sk', re: /\bsk-(?=[A-Za-z0-9_-]{0,64}\d)[A-Za-z0-9_-]{8,}/g },
  { kind: 'stripe-key', hint: 'stripe', re: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: 'github-token', hint: 'github', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})/g },
  { kind: 'gitlab-token', hint: 'gitlab', re: /\bgl(?:pat|dt|ptt|rt|cbt|oas)-[A-Za-z0-9_-]{20,}/g },
  { kind: 'slack-token', hint: 'slack', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'slack-webhook', hint: 'slack', re: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g },
  { kind: 'aws-access-key', hint: 'aws', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'google-api-key', hint: 'google', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  // Google OAuth access tokens.
  { kind: 'google-oauth-token', hint: 'google', re: /\bya29\.[0-9A-Za-z_-]{20,}/g },
  { kind: 'huggingface-token', hint: 'hf', re: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { kind: 'npm-token', hint: 'npm', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'jwt', hint: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // Authorization headers: keep the scheme, mask the credential.
  {
    kind: 'token',
    hint: 'keyword',
    re: /\b(Bearer|Basic|Token)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi,
    replace: (_m, scheme, space) => `${scheme}${space}${mask('token')}`,
  },
  // URLs with user:password@host.
  {
    kind: 'password',
    hint: 'url',
    re: /\b([a-z][a-z0-9+.-]{0,20}:\/\/[^\s:/@]{1,64}:)([^\s@/]{3,128})(@)/gi,
    replace: (_m, head, _pw, at) => `${head}${mask('password')}${at}`,
  },
  // name = "value" / name: 'value' where the name ends in key/secret/token/password.
  {
    kind: 'secret',
    hint: 'keyword',
    re: /(\b[A-Za-z0-9_.-]{0,40}(?:api[_-]?key|apikey|secret|secret[_-]?key|access[_-]?key|token|password|passwd|pwd|credentials?)\b["']?[ \t]{0,8}[:=][ \t]{0,8})(["'`])([^"'`\s]{6,512})\2/gi,
    replace: (_m, head, quote) => `${head}${quote}${mask('secret')}${quote}`,
  },
  // Env-file / shell style: UPPER_CASE name, unquoted value (OPENAI_API_KEY=abc…).
  {
    kind: 'secret',
    hint: 'keyword',
    re: /(\b[A-Z0-9_]{0,40}(?:API_KEY|APIKEY|SECRET|SECRET_KEY|ACCESS_KEY|TOKEN|PASSWORD|PASSWD)[ \t]{0,8}=[ \t]{0,8})(?=[^\s"'`;&()[\]{},<>]*[A-Za-z])([^\s"'`;&()[\]{},<>]{6,})(?=$|[\s;&,"'`])/gm,
    replace: (_m, head) => `${head}${mask('secret')}`,
  },
  // Credentials-file / INI / YAML style, any case, unquoted, the whole line:
  // `aws_secret_access_key = wJalr…`. The value must hold a digit so `token: string` stays.
  {
    kind: 'secret',
    hint: 'keyword',
    re: /^([ \t]{0,8}[A-Za-z0-9_.-]{0,40}(?:key|secret|token|password|passwd|pwd)[ \t]{0,8}[=:][ \t]{0,8})(?=[^\s]{0,512}\d)([^\s"'`;&()[\]{},<>]{8,512})[ \t]*$/gim,
    replace: (_m, head) => `${head}${mask('secret')}`,
  },
  // Query strings: ?api_key=…&access_token=…
  {
    kind: 'secret',
    hint: 'keyword',
    re: /([?&](?:api[_-]?key|key|access[_-]?token|token|secret|password|sig|signature)=)([^&\s#"']{6,})/gi,
    replace: (_m, head) => `${head}${mask('secret')}`,
  },
  // Header style: x-api-key: value / api-key: value.
  {
    kind: 'secret',
    hint: 'keyword',
    re: /(\b(?:x-api-key|api-key|x-goog-api-key|anthropic-api-key)\s*:\s*)([A-Za-z0-9._~+/=-]{8,})/gi,
    replace: (_m, head) => `${head}${mask('secret')}`,
  },
  // git@github.com:org/repo is an SSH remote, not a person.
  { kind: 'email', hint: 'email', re: /\b(?!git@)[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g },
  // Azure (OpenAI, Cognitive Services) keys: 32 lower-case hex digits standing alone, letters and
  // digits mixed. Last, so the shapes above keep their own names. (40-hex git SHAs are not touched.)
  { kind: 'azure-key', hint: 'hex', re: /(?<![0-9A-Za-z_-])(?=[0-9a-f]{0,31}[a-f])(?=[0-9a-f]{0,31}[0-9])[0-9a-f]{32}(?![0-9A-Za-z_-])/g },
];

/** Each rule's anchor-group bit in a hintsIn() mask, computed once (every traced string runs this loop). */
const RULE_BITS: readonly number[] = RULES.map((rule) => 1 << HINT_NAMES.indexOf(rule.hint));

/** The anchor groups present in `text`, as a bit mask (no allocation per string). */
function hintsIn(text: string): number {
  let found = 0;
  for (let i = 0; i < HINT_TESTS.length; i++) if (HINT_TESTS[i].test(text)) found |= 1 << i;
  return found;
}

/** Returns `text` with every secret replaced by "[REDACTED:<kind>]". */
export function redact(text: string): string {
  if (text.length < 3 || !ANY_HINT.test(text)) return text;
  const hints = hintsIn(text);
  if (hints === 0) return text;
  let out = text;
  for (let r = 0; r < RULES.length; r++) {
    if ((hints & RULE_BITS[r]) === 0) continue;
    const rule = RULES[r];
    rule.re.lastIndex = 0;
    out = rule.replace
      ? out.replace(rule.re, rule.replace as (substring: string, ...args: string[]) => string)
      : out.replace(rule.re, mask(rule.kind));
  }
  return out;
}

/** A JSON key whose string value is a secret whatever it looks like ({"apiKey": "…"}). */
const SECRET_KEY_NAME = /(?:api[_-]?key|apikey|secret|secret[_-]?key|access[_-]?key|token|password|passwd|pwd|credentials?)$/i;

function redactValue(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && value.length >= 6 && SECRET_KEY_NAME.test(key) && !value.startsWith('[REDACTED:')) return mask('secret');
    return redact(value);
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k in value) out[k] = redactValue((value as Record<string, unknown>)[k], k);
    return out;
  }
  return value;
}

/**
 * Redacts a body. JSON bodies (messages, tool calls) are redacted value by value before being
 * encoded again: once encoded, `password = "…"` inside a message reads `password = \"…\"` and no
 * text rule would see its quotes. Other text goes through redact() as it is.
 */
export function redactBody(text: string): string {
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return redact(text);
    }
    return JSON.stringify(redactValue(parsed));
  }
  return redact(text);
}
