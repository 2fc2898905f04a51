#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine: the system packages (Chromium
# for the webview tests, Fashion-MNIST, flatc for the TFLite schema, clang + lld for the wasm training
# kernels, espeak-ng and sox to generate spoken-word test sets, numpy for the MFCC reference, redis-server
# for the queue tests) and the npm packages.
# Idempotent; no downloads other than Debian's and npm's registries.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium dataset-fashion-mnist flatbuffers-compiler clang lld espeak-ng sox python3-numpy redis-server)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "setup: installing ${missing[*]} (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci: the lockfile, exactly. @tensorflow/tfjs-node is optional: where its native download
# fails (no internet), npm skips it and training uses the wasm backend.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
