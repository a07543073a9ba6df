#!/usr/bin/env bash
# Serves Switchyard in a real VS Code on loopback: installs the client (scripts/e2e/install.sh),
# installs the VSIX into a demo profile, writes `switchyard.*` settings for what this machine has,
# starts code-server on a sample workspace, prints the URL and runs until Ctrl-C.
#
#   bash scripts/e2e/serve.sh [VSIX] [WORKSPACE]
#   SWITCHYARD_DEMO_PORT=8080        port on 127.0.0.1 (default 8080; 0 = any free port)
#   SWITCHYARD_DEMO_HOME=DIR         profile + workspace copy (default ~/.cache/switchyard-e2e/demo)
#   OLLAMA_BASE_URL=URL              OpenAI-compatible server to probe (default http://127.0.0.1:11434/v1)
#
# What it configures: a local OpenAI-compatible server when one answers (no key needed), plus
# OpenAI / Anthropic when OPENAI_API_KEY / ANTHROPIC_API_KEY are set. API keys live in VS Code's
# secret storage, never in settings: for those, the extension asks with "Set API Key" on first use.
# With nothing found it starts with no models, and the extension's getting-started walks you through.
set -euo pipefail
cd "$(dirname "$0")/../.."

vsix="${1:-}"
if [ -z "$vsix" ]; then
  vsix=$(ls -t switchyard-*.vsix .e2e/*.vsix 2>/dev/null | head -1 || true)
  [ -n "$vsix" ] || { echo "No VSIX: run 'npm run package' first or pass one" >&2; exit 1; }
fi
vsix=$(realpath "$vsix")

eval "$(bash scripts/e2e/install.sh | grep '^SWITCHYARD_E2E_')"
cache="${SWITCHYARD_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/switchyard-e2e}"
home="${SWITCHYARD_DEMO_HOME:-$cache/demo}"
workspace="${2:-$home/workspace}"
port="${SWITCHYARD_DEMO_PORT:-8080}"
mkdir -p "$home/user-data/User" "$home/extensions"
if [ -z "${2:-}" ] && [ ! -d "$workspace" ]; then
  cp -r test/e2e/workspace "$workspace"
fi

echo "== installing $(basename "$vsix") into code-server (profile $home)"
"$SWITCHYARD_E2E_NODE" "$SWITCHYARD_E2E_CODE_SERVER" --user-data-dir "$home/user-data" --extensions-dir "$home/extensions" \
  --install-extension "$vsix" --force | grep -v '^$' || true

echo "== looking for models"
# Merged into the profile's settings.json (comments and other keys kept): scripts/demo/configure.ts.
OLLAMA_BASE_URL="${OLLAMA_BASE_URL:-http://127.0.0.1:11434/v1}" node --import tsx scripts/demo/configure.ts vscode-settings "$home/user-data/User/settings.json"

echo "== starting code-server (Ctrl-C stops it)"
log="$home/code-server.log"
"$SWITCHYARD_E2E_NODE" "$SWITCHYARD_E2E_CODE_SERVER" --user-data-dir "$home/user-data" --extensions-dir "$home/extensions" \
  --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check --disable-workspace-trust \
  "$workspace" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; echo; echo "code-server stopped"' INT TERM EXIT
for _ in $(seq 1 120); do
  url=$(grep -o 'HTTP server listening on http://[0-9.:]*' "$log" | awk '{print $5}' || true)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
[ -n "${url:-}" ] || { echo "code-server did not start; log: $log" >&2; exit 1; }
cat <<MSG

  Switchyard in VS Code: $url/?folder=$workspace
  (loopback only; from another machine: ssh -L ${url##*:}:127.0.0.1:${url##*:} this-host)
  Log: $log      Profile: $home
  Desktop VS Code instead: code --install-extension $vsix

MSG
wait "$server"
