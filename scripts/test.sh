#!/usr/bin/env bash
# Runs every Switchyard test on a fresh clone or a working tree: install, type-check, build,
# a VSIX per platform + content checks, then mocha (unit, wire, integration). Idempotent.
#   SWITCHYARD_FORCE_CI=1  reinstall node_modules with `npm ci` even when they look complete
#   The e2e step (real VS Code) is appended below by its owners.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/ensure-deps.sh
source scripts/ensure-deps.sh
step "install"
ensure_node
ensure_deps

step "typecheck"
npx tsc -p . --noEmit

step "build"
node esbuild.mjs

step "package"
version=$(node -p "require('./package.json').version")
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
# One VSIX per platform, each with its own Chroma binding from the npm registry, each checked.
node scripts/package-vsix.mjs --out-dir "$out_dir" | grep -v 'KiB  extension/'
# The bundles load on their own (no dev dependency or unbundled file needed at run time).
node dist/cli.js --version >/dev/null
node -e "
const Module = require('module');
const load = Module._load;
const stub = () => new Proxy(function () {}, { get: (_t, k) => (k === 'then' ? undefined : stub()) });
Module._load = function (request, ...rest) { return request === 'vscode' ? stub() : load.call(this, request, ...rest); };
const ext = require('./dist/extension.js');
if (typeof ext.activate !== 'function') throw new Error('dist/extension.js exports no activate()');
console.log('bundles load: dist/cli.js, dist/extension.js');
"

step "unit, wire and integration tests (mocha)"
specs=()
for dir in unit wire integration; do
  if compgen -G "test/$dir/**/*.test.ts" >/dev/null || compgen -G "test/$dir/*.test.ts" >/dev/null; then specs+=("test/$dir/**/*.test.ts"); fi
done
npx mocha "${specs[@]}"

step "webview in headless Chromium (Debian chromium + playwright-core)"
bash scripts/install-chromium.sh
npx mocha "test/webview/**/*.test.ts"

# ── End-to-end in a real VS Code (section owned by e2e) ───────────────────────────────────────────
# Installs code-server 4.139.1 (Node 24 from npm) + Debian chromium on first use (cached in
# ~/.cache/switchyard-e2e), packages the VSIX and drives it as a user would (test/e2e, ~4-7 min).
# Screenshots and logs: test-artifacts/e2e/. SWITCHYARD_SKIP_E2E=1 skips it.
if [ "${SWITCHYARD_SKIP_E2E:-0}" != 1 ]; then
  step "end-to-end: packaged extension in code-server + Chromium (test/e2e)"
  bash scripts/e2e/test.sh
fi
