#!/usr/bin/env bash
# End-to-end test of the packaged extension in a real VS Code (code-server 4.100.3 = VS Code
# 1.100.3), driven by playwright-core + Debian's chromium. The one entry point:
#
#   bash scripts/e2e.sh                 # install code-server if needed, package, test
#   UNAS_E2E_UPDATE_DOCS=1 bash scripts/e2e.sh    # also copy the two screenshots to docs/images/
#   UNAS_VSIX=/path/to/unas.vsix bash scripts/e2e.sh   # test a given .vsix (no packaging)
#
# 1. installs code-server offline (idempotent; cached in $UNAS_E2E_ROOT, default /tmp/unas-e2e)
# 2. `npm run package` when dist/unas.vsix is missing or older than the sources
# 3. installs the .vsix into a fresh code-server profile, starts code-server on 127.0.0.1 with a
#    fresh workspace (examples/mnist.unas + a tiny search), runs test/e2e/run-e2e.js, and stops
#    the code-server it started (by PID) whatever happens.
# Screenshots, results.json and logs: test-results/e2e/. The last line is `e2e: N passed, M failed`;
# the exit code is non-zero when anything failed.
#
# Based on an offline code-server + playwright-core recipe (its smoke test), adapted to this
# extension; everything it needs is in this repository (test/e2e/) or installed by it.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
ROOT=${UNAS_E2E_ROOT:-/tmp/unas-e2e}
PORT=${PORT:-0}
OUT=$REPO/test-results/e2e
CS_DIR=$ROOT/cs/node_modules/code-server
T0=$(date +%s%N)
now() { date +%s%N; }
ms() { echo $(( ($(now) - $1) / 1000000 )); }
say() { echo "[e2e $(date +%T)] $*"; }
# Failures before the browser test count as one failed test.
fail_early() { say "FAILED: $*"; echo "e2e: 0 passed, 1 failed"; exit 1; }

# ---- 1. code-server (offline, idempotent)
t=$(now)
mkdir -p "$ROOT/logs"
UNAS_E2E_ROOT=$ROOT bash "$REPO/test/e2e/install-code-server.sh" > "$ROOT/logs/install.log" 2>&1 ||
  { tail -40 "$ROOT/logs/install.log"; fail_early "code-server install (log: $ROOT/logs/install.log)"; }
grep -E 'installed in|already installed|apt-get' "$ROOT/logs/install.log" | sed 's/^/  /'
say "code-server ready ($(ms "$t") ms)"

# ---- 2. the .vsix
VSIX=${UNAS_VSIX:-$REPO/dist/unas.vsix}
if [ -z "${UNAS_VSIX:-}" ]; then
  stale=""
  if [ ! -f "$VSIX" ]; then stale="missing"; else
    stale=$(find client server protocol webview syntaxes examples media package.json esbuild.mjs .vscodeignore README.md LICENSE \
      -type f -newer "$VSIX" -not -path '*/node_modules/*' 2>/dev/null | head -1)
  fi
  if [ -n "$stale" ]; then
    say "packaging (dist/unas.vsix ${stale:+stale: $stale})"
    t=$(now)
    mkdir -p "$OUT"
    npm run package > "$OUT/package.log" 2>&1 || {
      grep -v '^npm warn' "$OUT/package.log" | tail -20
      grep -q "Couldn't detect the repository" "$OUT/package.log" &&
        say "hint: README.md has relative links and package.json no repository: add --no-rewrite-relative-links to the vsce call of \"package\" (or a \"repository\" field)"
      fail_early "npm run package failed (log: test-results/e2e/package.log)"
    }
    say "packaged in $(ms "$t") ms"
  fi
fi
[ -f "$VSIX" ] || fail_early "no vsix at $VSIX"
say "vsix: $VSIX ($(du -k "$VSIX" | cut -f1) KB)"
# The bundled extension has no node_modules: the training workers need MNIST next to the bundles.
unzip -l "$VSIX" 2>/dev/null | grep -q 'extension/dist/data/mnist/train-images' ||
  say "warning: the vsix has no extension/dist/data/mnist/: searches on MNIST will fail inside the extension"

# ---- 3. a fresh profile, workspace and output folder
RUN=$ROOT/runs/$(date +%Y%m%d-%H%M%S)-$$
# keep the last 3 run folders (profiles, workspaces, search runs) for post-mortems
ls -1dt "$ROOT"/runs/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
mkdir -p "$RUN"/{home,ud/User,exts,ws,tmp,chrome} || fail_early "cannot create $RUN"
rm -rf "$OUT"/*.png "$OUT"/results.json "$OUT"/logs
mkdir -p "$OUT/logs"
cp examples/mnist.unas "$RUN/ws/mnist.unas"
# The test fixture's tiny search, with fewer rounds: it finishes in well under a minute.
sed -E 's/rounds +[0-9]+/rounds 8/' test/fixtures/search/tiny-mnist.unas > "$RUN/ws/tiny.unas"
grep -q 'rounds 8' "$RUN/ws/tiny.unas" || fail_early "could not set the rounds of tiny.unas"
cat > "$RUN/ud/User/settings.json" <<'EOF'
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "git.enabled": false,
  "editor.minimap.enabled": false,
  "editor.inlayHints.maximumLength": 0,
  "chat.commandCenter.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
EOF

# code-server and chromium write into HOME/XDG dirs: keep them inside the run folder.
export HOME=$RUN/home XDG_CONFIG_HOME=$RUN/home/.config XDG_DATA_HOME=$RUN/home/.local/share
export XDG_CACHE_HOME=$RUN/home/.cache TMPDIR=$RUN/tmp
export EXTENSIONS_GALLERY='{}'   # no open-vsx.org queries
CS=(node "$CS_DIR/out/node/entry.js" --config "$RUN/home/config.yaml"
    --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts")

t=$(now)
"${CS[@]}" --install-extension "$VSIX" > "$OUT/logs/install-extension.log" 2>&1
grep -q 'successfully installed' "$OUT/logs/install-extension.log" ||
  { cat "$OUT/logs/install-extension.log"; fail_early "--install-extension"; }
say "vsix installed into a fresh profile ($(ms "$t") ms)"

# ---- 4. code-server on a free loopback port
if [ "$PORT" = 0 ]; then
  PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
fi
curl -s -o /dev/null "http://127.0.0.1:$PORT/" && fail_early "port $PORT is taken; set PORT="
t=$(now)
"${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust "$RUN/ws" > "$OUT/logs/code-server.log" 2>&1 &
CS_PID=$!
stop_cs() {
  kill -0 "$CS_PID" 2>/dev/null || return 0
  kill "$CS_PID" 2>/dev/null || true          # SIGTERM: it stops its extension hosts (and the search) itself
  for _ in $(seq 1 50); do kill -0 "$CS_PID" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$CS_PID" 2>/dev/null || true
}
trap stop_cs EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 400); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  kill -0 "$CS_PID" 2>/dev/null || { cat "$OUT/logs/code-server.log"; fail_early "code-server exited"; }
  sleep 0.05
done
say "code-server pid $CS_PID on 127.0.0.1:$PORT ($(ms "$t") ms)"

# ---- 5. the browser test
CS_URL="http://127.0.0.1:$PORT" WS_DIR="$RUN/ws" SHOTS="$OUT" PW_DIR="$REPO/node_modules/playwright-core" \
  CHROME_PROFILE_ROOT="$RUN/chrome" node "$REPO/test/e2e/run-e2e.js" 2>&1 | tee "$OUT/logs/run-e2e.log"
rc=${PIPESTATUS[0]}

stop_cs
trap - EXIT
# The extension's own log (the μNAS output channel) and the extension host log, for failures.
find "$RUN/ud/logs" -type f \( -name '*μNAS*.log' -o -name 'exthost.log' -o -name 'remoteexthost.log' \) -exec cp {} "$OUT/logs/" \; 2>/dev/null
if [ "$rc" != 0 ] && ls "$OUT"/logs/*μNAS*.log > /dev/null 2>&1; then
  say "μNAS output channel (last lines):"; tail -15 "$OUT"/logs/*μNAS*.log | sed 's/^/  /'
fi

if [ "$rc" = 0 ] && [ "${UNAS_E2E_UPDATE_DOCS:-0}" = 1 ]; then
  mkdir -p docs/images
  cp "$OUT/editor-estimates.png" "$OUT/search-panel.png" docs/images/ && say "copied the screenshots to docs/images/"
fi

passed=$(node -e 'try{const r=require(process.argv[1]);console.log(r.tests.filter(t=>t.ok).length)}catch{console.log(0)}' "$OUT/results.json")
failed=$(node -e 'try{const r=require(process.argv[1]);console.log(r.tests.filter(t=>!t.ok).length)}catch{console.log(1)}' "$OUT/results.json")
[ "$rc" != 0 ] && [ "$failed" = 0 ] && failed=1
say "screenshots and logs: test-results/e2e/ · run folder: $RUN · total $(ms "$T0") ms"
echo "e2e: $passed passed, $failed failed"
[ "$rc" = 0 ] && [ "$failed" = 0 ]
