#!/usr/bin/env bash
# Runs the end-to-end suite alone: installs the real client on first use (scripts/e2e/install.sh),
# packages the extension into .e2e/switchyard-e2e.vsix (unless SWITCHYARD_E2E_VSIX names one),
# then runs mocha over test/e2e. Screenshots and, on failure, logs go to test-artifacts/e2e/.
#   bash scripts/e2e/test.sh [mocha args…]      e.g. --grep "inline completion"
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
# Like demo.sh and test.sh: a Node.js new enough (Node 24 from the npm registry on Linux x64 when
# the system one is older) and node_modules, so `npm run test:e2e` works on a fresh clone too.
source scripts/ensure-deps.sh
ensure_node >&2
ensure_deps >&2
bash scripts/e2e/install.sh >/dev/null
if [ -z "${SWITCHYARD_E2E_VSIX:-}" ]; then
  mkdir -p .e2e
  rm -f .e2e/switchyard-e2e.vsix
  echo "[e2e] packaging the extension for this platform (npm run package -- --target host)" >&2
  if ! npm run --silent package -- --target host --out .e2e/switchyard-e2e.vsix >.e2e/package.log 2>&1; then
    # vsce refuses relative README links when the repository URL is not GitHub/GitLab: package the
    # build that just ran with explicit base URLs instead, and say so.
    echo "[e2e] npm run package failed (see .e2e/package.log); packaging dist/ with vsce and explicit base URLs" >&2
    tail -3 .e2e/package.log >&2
    npx vsce package --no-dependencies --baseContentUrl https://example.invalid/switchyard \
      --baseImagesUrl https://example.invalid/switchyard --out .e2e/switchyard-e2e.vsix >>.e2e/package.log 2>&1 \
      || { cat .e2e/package.log >&2; exit 1; }
  fi
fi
rm -rf test-artifacts/e2e
status=0
npx mocha --config test/e2e/.mocharc.json "$@" || status=$?
echo "[e2e] finished in $(( $(date +%s) - started )) s (screenshots: test-artifacts/e2e/)" >&2
exit $status
