/**
 * Redaction cost per traced string (issue 12 measures per-call CPU): typical attribute values
 * (model names, ids, paths), a chat prompt body with secrets, and a 100 KB body; median µs per
 * string, from this one run.
 */
import { redact, redactBody } from '../src/core/trace/redact';
import { summarize } from './stats';

function time(fn: () => void, rounds: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return out;
}

export async function benchRedaction(): Promise<Record<string, unknown>> {
  const attributes = ['gpt-4.1-mini', 'claude-sonnet-4-6', 'chat', 'src/core/router/router.ts:120-180', 'completion', 'ok', 'text_completion', 'oa'];
  const prompt = JSON.stringify([
    { role: 'system', content: 'You are a coding assistant.' },
    { role: 'user', content: `Why does this fail?\n\nconst cfg = { apiKey: "AbCdEf123456XyZ", url: "https://api.example.com" };\npassword = "hunter2hunter2"\n${'function add(a, b) { return a + b; }\n'.repeat(40)}` },
  ]);
  const big = 'export const value = computeSomething(input, options);\n'.repeat(1800);
  return {
    attributeUs: summarize(time(() => attributes.forEach((a) => redact(a)), 2000).map((us) => us / attributes.length), 2),
    promptBodyUs: summarize(time(() => redactBody(prompt), 300)),
    body100kUs: summarize(time(() => redactBody(big), 30)),
  };
}
