#!/usr/bin/env bash
# The main job on a fresh machine: install, build, package the VSIX, then run the `switchyard` CLI
# against whatever endpoint is available — SWITCHYARD_CONFIG if set, else OPENAI_API_KEY,
# ANTHROPIC_API_KEY and/or an OpenAI-compatible server on 127.0.0.1:11434 (Ollama). With none,
# it still builds and packages and prints how to configure one. Then it serves the VSIX in a real
# VS Code (code-server on 127.0.0.1) until Ctrl-C. Idempotent.
#   SWITCHYARD_DEMO_QUESTION  the question to ask (default: a one-line coding question)
#   OLLAMA_BASE_URL           another OpenAI-compatible base URL to probe (default http://127.0.0.1:11434/v1)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/ensure-deps.sh
source scripts/ensure-deps.sh
step "install"
ensure_node
ensure_deps

step "build"
node esbuild.mjs

step "package"
version=$(node -p "require('./package.json').version")
npx vsce package --no-dependencies --out "switchyard-$version.vsix" >/dev/null
node scripts/check-vsix.mjs "switchyard-$version.vsix" | head -1
echo "Install it with: code --install-extension $PWD/switchyard-$version.vsix"

step "CLI"
cli=(node dist/cli.js)
"${cli[@]}" --version
demo_dir="${SWITCHYARD_DEMO_DIR:-${TMPDIR:-/tmp}/switchyard-demo}"
mkdir -p "$demo_dir"
export SWITCHYARD_DATA_DIR="${SWITCHYARD_DATA_DIR:-$demo_dir/data}"

if [ -z "${SWITCHYARD_CONFIG:-}" ]; then
  # Build a config from what this machine has; the route falls back in this order.
  OLLAMA_BASE_URL="${OLLAMA_BASE_URL:-http://127.0.0.1:11434/v1}" node - "$demo_dir/config.json" <<'JS'
const fs = require('fs');
const [file] = process.argv.slice(2);
(async () => {
  const providers = {}, models = {}, route = [];
  if (process.env.OPENAI_API_KEY) {
    providers.openai = { kind: 'openai' };
    models.mini = { provider: 'openai', id: 'gpt-4.1-mini' };
    route.push('mini');
  }
  if (process.env.ANTHROPIC_API_KEY) {
    providers.anthropic = { kind: 'anthropic' };
    models.haiku = { provider: 'anthropic', id: 'claude-haiku-4-5' };
    route.push('haiku');
  }
  const base = process.env.OLLAMA_BASE_URL;
  try {
    const res = await fetch(`${base}/models`, { signal: AbortSignal.timeout(2000) });
    const body = await res.json();
    const id = body?.data?.[0]?.id;
    if (res.ok && id) {
      providers.local = { kind: 'openai-compatible', baseUrl: base };
      models.local = { provider: 'local', id };
      route.push('local');
    }
  } catch {
    // no local server
  }
  if (route.length === 0) {
    fs.rmSync(file, { force: true });
    process.exit(0);
  }
  fs.writeFileSync(file, JSON.stringify({ providers, models, routes: { chat: route } }, null, 2) + '\n');
  console.log(`Config written to ${file} (chat route: ${route.join(' → ')})`);
})();
JS
  if [ ! -f "$demo_dir/config.json" ]; then
    cat <<'MSG'

No model endpoint found (no OPENAI_API_KEY, no ANTHROPIC_API_KEY, nothing answering on
http://127.0.0.1:11434/v1). The extension and the CLI are built; to run the CLI, either
  export OPENAI_API_KEY=sk-…            (or ANTHROPIC_API_KEY=sk-ant-…), or
  start an OpenAI-compatible server (e.g. `ollama serve` + `ollama pull qwen2.5-coder:1.5b`), or
  write a config file (see README.md, "CLI") and export SWITCHYARD_CONFIG=/path/to/it
and run `bash scripts/demo.sh` again. In VS Code (below), run "Switchyard: Set API Key".
MSG
    "${cli[@]}" models --catalog | head -8
  else
    export SWITCHYARD_CONFIG="$demo_dir/config.json"
  fi
fi

# With no endpoint there is nothing to ask; the VS Code part below still runs.
if [ -n "${SWITCHYARD_CONFIG:-}" ]; then
echo "Config: $SWITCHYARD_CONFIG   Data: $SWITCHYARD_DATA_DIR"
"${cli[@]}" models
question="${SWITCHYARD_DEMO_QUESTION:-In one sentence: what does a circuit breaker do in a client that calls remote APIs?}"
echo
echo "\$ switchyard ask \"$question\""
"${cli[@]}" ask "$question"
echo
echo "\$ switchyard ask --json \"Reply with the single word: ready\""
"${cli[@]}" ask --json "Reply with the single word: ready"
echo
echo "\$ switchyard cost --by model"
"${cli[@]}" cost --by model
fi

# ── Real VS Code (section owned by e2e: scripts/e2e/serve.sh) ─────────────────────────────────────
# Installs the VSIX packaged above into code-server on 127.0.0.1 with a sample workspace, configured
# for what this machine has (local OpenAI-compatible server, provider keys), prints the URL and keeps
# running until Ctrl-C. SWITCHYARD_DEMO_VSCODE=0 skips it; SWITCHYARD_DEMO_PORT picks the port.
if [ "${SWITCHYARD_DEMO_VSCODE:-1}" != 0 ]; then
  step "VS Code (code-server on loopback)"
  bash scripts/e2e/serve.sh "switchyard-$version.vsix"
fi
# ── end of the e2e section ────────────────────────────────────────────────────────────────────────
