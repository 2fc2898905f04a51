#!/usr/bin/env bash
# Offline, idempotent install of code-server 4.100.3 (= VS Code 1.100.3 served to a browser) for
# the μNAS end-to-end test, on a machine that reaches only the npm registry and Debian's apt.
#
# Adapted from an offline code-server install recipe (the reasons behind each step — the seeded
# @vscode/ripgrep cache, npm_config_nodedir/yes/unsafe_perm, ... — are in the comments below).
# Changes: the root is $UNAS_E2E_ROOT (default /tmp/unas-e2e); the test tools (playwright-core,
# @vscode/vsce) are not installed here: they are devDependencies of this repository.
#
#   bash test/e2e/install-code-server.sh            # installs into $UNAS_E2E_ROOT/cs
#   CS_INSTALL_METHOD=manual bash test/e2e/install-code-server.sh   # fallback without postinstall
set -euo pipefail

ROOT=${UNAS_E2E_ROOT:-/tmp/unas-e2e}
CS_VERSION=${CS_VERSION:-4.100.3}      # last code-server whose engines allow node 20 (4.103+ want 22/24)
METHOD=${CS_INSTALL_METHOD:-postinstall}
# @vscode/ripgrep as pinned by code-server 4.100.3 (lib/vscode/npm-shrinkwrap.json) and the
# release tag + target its lib/postinstall.js asks GitHub for (VERSION const, getTarget()).
RG_PKG_VERSION=${RG_PKG_VERSION:-1.15.11}
RG_TAG=${RG_TAG:-v13.0.0-10}
RG_TARGET=${RG_TARGET:-x86_64-unknown-linux-musl}

now() { date +%s%N; }
ms() { echo $(( ($(now) - $1) / 1000000 )); }
say() { echo "[install $(date +%T)] $*"; }

mkdir -p "$ROOT"/{cs,tmp,logs}

# ---- 1. Debian packages: ripgrep replaces @vscode/ripgrep's GitHub download; headers/toolchain
#         for the native modules that have no usable prebuilt (their prebuilt downloads hit GitHub).
APT_PKGS=(ripgrep chromium build-essential python3 pkg-config libkrb5-dev libsecret-1-dev)
missing=()
for p in "${APT_PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" > "$ROOT/logs/apt.log" 2>&1 || {
    apt-get update > "$ROOT/logs/apt-update.log" 2>&1
    apt-get install -y --no-install-recommends "${missing[@]}" >> "$ROOT/logs/apt.log" 2>&1
  }
fi
[ -x /usr/bin/rg ] && [ -x /usr/bin/chromium ]
[ -f /usr/include/node/node.h ] || { echo "no /usr/include/node/node.h: node-gyp would download headers from nodejs.org (offline: fails)"; exit 1; }

# ---- 2. npm environment for the install
export npm_config_cache=${NPM_CACHE:-$ROOT/npm-cache} # keep npm's cache (and npx's) inside ROOT
export npm_config_nodedir=/usr      # node-gyp: use /usr/include/node, never download headers
export npm_config_unsafe_perm=true  # code-server's postinstall.sh refuses to run as root without it
export npm_config_yes=true          # node-pty's postinstall runs `npx node-gyp configure`; ~/.npmrc has yes=false
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export TMPDIR=$ROOT/tmp             # os.tmpdir() -> where @vscode/ripgrep looks for its cached download

CS_DIR=$ROOT/cs/node_modules/code-server
VS=$CS_DIR/lib/vscode

seed_ripgrep_cache() {
  # @vscode/ripgrep's postinstall skips the download when
  #   $TMPDIR/vscode-ripgrep-cache-<pkg version>/ripgrep-<tag>-<target>.tar.gz exists,
  # and then just `tar xvf`s it into its bin/. Put Debian's rg in that tarball.
  local d=$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION
  local f=$d/ripgrep-$RG_TAG-$RG_TARGET.tar.gz
  mkdir -p "$d/stage"
  cp /usr/bin/rg "$d/stage/rg"
  tar -C "$d/stage" -czf "$f" rg
  rm -rf "$d/stage"
  say "seeded $f"
}

install_postinstall() {
  # The unmodified `npm install code-server` with its real postinstall (preferred).
  seed_ripgrep_cache
  (cd "$ROOT/cs" && { [ -f package.json ] || npm init -y > /dev/null; })
  (cd "$ROOT/cs" && npm install "code-server@$CS_VERSION" --foreground-scripts) > "$ROOT/logs/cs-install.log" 2>&1
}

install_manual() {
  # Fallback: no scripts, then do by hand what code-server's postinstall.sh does.
  (cd "$ROOT/cs" && { [ -f package.json ] || npm init -y > /dev/null; })
  (cd "$ROOT/cs" && npm install "code-server@$CS_VERSION" --ignore-scripts) > "$ROOT/logs/cs-install.log" 2>&1
  # argon2 (top-level, required at startup even with --auth none): node-pre-gyp download fails -> builds from source
  (cd "$ROOT/cs/node_modules/argon2" && npm run install) >> "$ROOT/logs/cs-install.log" 2>&1
  (cd "$VS" && npm install --omit=dev --ignore-scripts) >> "$ROOT/logs/cs-install.log" 2>&1
  # give @vscode/ripgrep its binary before its postinstall runs: it exits early when bin/ exists
  mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
  ln -sf /usr/bin/rg "$VS/node_modules/@vscode/ripgrep/bin/rg"
  (cd "$VS" && npm rebuild --foreground-scripts) >> "$ROOT/logs/cs-install.log" 2>&1   # all install scripts + node-gyp builds
  (cd "$VS" && ln -sfn node_modules node_modules.asar)
  (cd "$VS/bin/remote-cli" && ln -sfn code-linux.sh code-server)
  (cd "$VS/bin/helpers" && ln -sfn browser-linux.sh browser.sh)
  (cd "$VS/extensions" && npm install --omit=dev) >> "$ROOT/logs/cs-install.log" 2>&1
}

if [ -x "$VS/node_modules/@vscode/ripgrep/bin/rg" ] && [ -e "$VS/node_modules.asar" ] && [ -d "$VS/extensions/node_modules/typescript" ]; then
  say "code-server already installed in $ROOT/cs"
else
  t=$(now); say "installing code-server@$CS_VERSION (method: $METHOD; log: $ROOT/logs/cs-install.log)"
  if ! "install_$METHOD"; then tail -40 "$ROOT/logs/cs-install.log"; exit 1; fi
  say "code-server installed in $(ms $t) ms"
fi

# ---- 3. sanity: the binary, the ripgrep it will use, the native modules
# (HOME/XDG moved: code-server otherwise writes ~/.config/code-server/config.yaml even for --version)
mkdir -p "$ROOT/home"
HOME=$ROOT/home XDG_CONFIG_HOME=$ROOT/home/.config XDG_DATA_HOME=$ROOT/home/.local/share \
  node "$CS_DIR/out/node/entry.js" --version 2>&1 | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ '
"$VS/node_modules/@vscode/ripgrep/bin/rg" --version | sed -n 1p
(cd "$VS" && node -e '
  for (const m of ["node-pty", "@vscode/spdlog", "native-watchdog", "kerberos", "@parcel/watcher", "@vscode/deviceid"]) require(m);
  console.log("native modules load: ok")')

say "done: code-server in $CS_DIR"
