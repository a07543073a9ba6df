#!/usr/bin/env bash
# Sourced by demo.sh and test.sh: a step banner, and installing node_modules when they are
# missing or incomplete.
#   SWITCHYARD_FORCE_CI=1  always reinstall with `npm ci`
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

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
