#!/usr/bin/env bash
# Compiles the WebAssembly SIMD training kernels (server/src/engine/training/backend/kernels/*.c)
# into server/src/engine/training/backend/generated/ (or into the folder given as $1: the staleness
# test compiles into a temporary folder and compares bytes).
#
#   compiler Debian's clang and wasm-ld (packages clang, lld; `clang --version` = Debian clang 14.0.6)
#   target   wasm32 with SIMD128 and bulk memory, no libc, memory imported from tfjs-backend-wasm
#
# The .wasm is committed so that building and running the extension needs no C compiler; it is never
# edited by hand. esbuild.mjs copies it next to the bundles.
set -euo pipefail
cd "$(dirname "$0")/.."

SRC_DIR=server/src/engine/training/backend/kernels
OUT="${1:-server/src/engine/training/backend/generated}"
EXPECTED_CLANG="Debian clang version 14.0.6"

command -v clang >/dev/null || { echo "generate-wasm-kernels: clang not found (apt-get install clang lld)" >&2; exit 3; }
command -v wasm-ld >/dev/null || { echo "generate-wasm-kernels: wasm-ld not found (apt-get install lld)" >&2; exit 3; }
CLANG_VERSION="$(clang --version | head -n 1)"
case "$CLANG_VERSION" in
  "$EXPECTED_CLANG"*) ;;
  *) echo "generate-wasm-kernels: warning: $CLANG_VERSION, the checked-in module was built by $EXPECTED_CLANG" >&2 ;;
esac

mkdir -p "$OUT"
# No stack, data or libc: the module runs on memory that tfjs owns (see the C file's header). A zero-
# sized stack placed first makes any stack use trap (address below 0) instead of writing over tfjs.
clang --target=wasm32 -O3 -msimd128 -mbulk-memory -ffreestanding -nostdlib -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--import-memory -Wl,--strip-all -Wl,--stack-first -Wl,-z,stack-size=0 \
  -o "$OUT/gradient-kernels.wasm" "$SRC_DIR/gradient-kernels.c"
# Where llvm-objdump is installed (Debian llvm-14), also refuse code that touches the stack pointer.
OBJDUMP="$(command -v llvm-objdump-14 || command -v llvm-objdump || true)"
if [ -n "$OBJDUMP" ] && "$OBJDUMP" -d "$OUT/gradient-kernels.wasm" | grep -q 'global\.[gs]et'; then
  echo "generate-wasm-kernels: the kernels use the stack (a local array?); they must not" >&2
  exit 1
fi
SHA="$(sha256sum "$SRC_DIR/gradient-kernels.c" | cut -d' ' -f1)"
cat > "$OUT/README.md" <<MD
# Generated: WebAssembly SIMD training kernels

Do not edit. Regenerate with \`bash scripts/generate-wasm-kernels.sh\`; a test fails when
\`gradient-kernels.wasm\` differs from a fresh build.

- source: \`kernels/gradient-kernels.c\`, sha256 \`$SHA\`
- compiler: $EXPECTED_CLANG and wasm-ld (Debian \`clang\`, \`lld\`), \`--target=wasm32 -O3 -msimd128 -mbulk-memory\`
MD
echo "generate-wasm-kernels: wrote $OUT/gradient-kernels.wasm ($(wc -c < "$OUT/gradient-kernels.wasm") bytes)"
