// The reference the ledger figures are compared with: the simplest streaming aggregator a user
// would write (readline + JSON.parse, sum cost and tokens by model), with no validation at all.
const { createReadStream } = require('node:fs');
const { createInterface } = require('node:readline');

(async () => {
  const groups = new Map();
  const lines = createInterface({ input: createReadStream(process.argv[2], { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      continue;
    }
    const key = r.modelId ?? r.model ?? '(none)';
    const g = groups.get(key) ?? { calls: 0, cost: 0, input: 0, output: 0 };
    g.calls++;
    g.cost += r.costUsd ?? 0;
    g.input += r.usage?.inputTokens ?? 0;
    g.output += r.usage?.outputTokens ?? 0;
    groups.set(key, g);
  }
  process.stdout.write(`${JSON.stringify([...groups])}\n`);
})();
