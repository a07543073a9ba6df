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
# This machine's platform (scripts/package-vsix.mjs without --target makes one per platform).
node scripts/package-vsix.mjs --target host --out "switchyard-$version.vsix" | head -3
echo "Install it with: code --install-extension $PWD/switchyard-$version.vsix"

step "CLI"
cli=(node dist/cli.js)
"${cli[@]}" --version
# A fresh folder per run (config, ledger, traces); SWITCHYARD_DEMO_DIR reuses one.
demo_dir="${SWITCHYARD_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/switchyard-demo.XXXXXX")}"
mkdir -p "$demo_dir"
export SWITCHYARD_DATA_DIR="${SWITCHYARD_DATA_DIR:-$demo_dir/data}"

if [ -z "${SWITCHYARD_CONFIG:-}" ]; then
  # A config for what this machine has (hosted keys; a local server's chat, completion and embedding
  # models as Add Model and `switchyard init` choose them):
  # scripts/demo/configure.ts, unit-tested in test/unit/demo.configure.test.ts.
  OLLAMA_BASE_URL="${OLLAMA_BASE_URL:-http://127.0.0.1:11434/v1}" node --import tsx scripts/demo/configure.ts cli-config "$demo_dir/config.json"
  if [ ! -f "$demo_dir/config.json" ]; then
    cat <<'MSG'

No chat model found (no OPENAI_API_KEY, no ANTHROPIC_API_KEY, no chat model on the local
server: see the line above). The extension and the CLI are built; to run the CLI, either
  export OPENAI_API_KEY=sk-…            (or ANTHROPIC_API_KEY=sk-ant-…), or
  start an OpenAI-compatible server with a chat model (e.g. `ollama serve` + `ollama pull qwen2.5:1.5b-instruct`), or
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
