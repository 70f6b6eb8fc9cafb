#!/usr/bin/env bash
# Installs what the offline integration runner needs: Debian's chromium and ripgrep, and code-server
# (VS Code 1.100.3 server + web workbench) in a tools folder outside the repo's node_modules tree.
# Idempotent: every step checks first and is skipped when already done, so a warm run takes a second.
# Why each step exists: docs/CONTRIBUTING.md, "VS Code offline".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="4.100.3"
TOOLS="${MLA_CODE_SERVER_DIR:-$ROOT/.vscode-test/code-server}"
CS="$TOOLS/node_modules/code-server"
VSC="$CS/lib/vscode"
NPM_QUIET=(--no-audit --no-fund --loglevel=error)

say() { echo "[vscode-server/install] $*"; }
started=$(date +%s)

# --- 1. apt packages (only the missing ones) ---------------------------------------------------------
missing=()
for pkg in chromium ripgrep libkrb5-dev; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  say "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "apt: chromium ripgrep libkrb5-dev already installed"
fi

# --- 2. code-server itself, without its postinstall (which downloads ripgrep from GitHub) ---------------
installed_version=""
if [ -f "$CS/package.json" ]; then
  installed_version="$(node -p "require('$CS/package.json').version")"
fi
if [ "$installed_version" != "$VERSION" ]; then
  say "npm: code-server@$VERSION into $TOOLS"
  mkdir -p "$TOOLS"
  # Its own package.json keeps npm from walking up into the repo's project.
  [ -f "$TOOLS/package.json" ] || echo '{ "private": true, "description": "offline VS Code for integration tests" }' >"$TOOLS/package.json"
  (cd "$TOOLS" && npm install "${NPM_QUIET[@]}" --ignore-scripts "code-server@$VERSION")
else
  say "npm: code-server@$VERSION already installed in $TOOLS"
fi

# --- 3. the VS Code server's own dependencies ----------------------------------------------------------
if [ ! -f "$VSC/node_modules/.package-lock.json" ]; then
  say "npm: lib/vscode dependencies (--omit=dev --ignore-scripts)"
  (cd "$VSC" && npm install "${NPM_QUIET[@]}" --omit=dev --ignore-scripts)
else
  say "npm: lib/vscode dependencies already installed"
fi

# --- 4. native modules (skipped by --ignore-scripts, so built here against this Node) -----------------
# node-pty's postinstall runs `npx node-gyp` (yes: fetch it from the npm registry without asking, as
# there is no terminal in CI); argon2's install would try a prebuilt download from GitHub first (build it).
export npm_config_yes=true npm_config_build_from_source=true
has_native_build() { [ -n "$(find "$1" -name node_modules -prune -o -name '*.node' -print -quit 2>/dev/null)" ]; }
to_rebuild=()
for mod in node-pty @vscode/spdlog native-watchdog kerberos @vscode/deviceid; do
  has_native_build "$VSC/node_modules/$mod" || to_rebuild+=("$mod")
done
if ((${#to_rebuild[@]})); then
  say "npm rebuild in lib/vscode: ${to_rebuild[*]}"
  (cd "$VSC" && npm rebuild "${NPM_QUIET[@]}" "${to_rebuild[@]}")
else
  say "native modules in lib/vscode already built"
fi
if [ -d "$TOOLS/node_modules/argon2" ] && ! has_native_build "$TOOLS/node_modules/argon2"; then
  say "npm rebuild argon2"
  (cd "$TOOLS" && npm rebuild "${NPM_QUIET[@]}" argon2)
fi

# --- 5. ripgrep: Debian's rg where @vscode/ripgrep expects its downloaded binary ----------------------
RG_TARGET="$VSC/node_modules/@vscode/ripgrep/bin/rg"
RG="$(command -v rg)"
if [ "$(readlink "$RG_TARGET" 2>/dev/null || true)" != "$RG" ]; then
  say "link $RG -> $RG_TARGET"
  mkdir -p "$(dirname "$RG_TARGET")"
  ln -sf "$RG" "$RG_TARGET"
else
  say "ripgrep link already in place"
fi

# --- 6. the built-in extensions' dependencies ----------------------------------------------------------
if [ ! -f "$VSC/extensions/node_modules/.package-lock.json" ]; then
  say "npm: lib/vscode/extensions dependencies"
  (cd "$VSC/extensions" && npm install "${NPM_QUIET[@]}" --omit=dev --ignore-scripts)
else
  say "npm: lib/vscode/extensions dependencies already installed"
fi

say "ready: code-server $VERSION at $CS, chromium $(command -v chromium) ($(($(date +%s) - started)) s)"
