import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The binaries Node can load: threads are never enabled in Node, so only plain and SIMD builds. */
export const wasmBinaries = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

/**
 * Where the .wasm files may be, in order: next to this module (the bundled extension copies them next
 * to the bundle in dist/), then the installed package's dist/ (development, tests, the CLI).
 */
export function defaultWasmDirs(): string[] {
  const dirs = [dirname(__filename)];
  try {
    dirs.push(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')));
  } catch {
    // Not installed (a packaged extension ships no node_modules): only the bundle's folder counts.
  }
  return dirs;
}

/** The first of `dirs` that holds every binary in {@link wasmBinaries}, or undefined. */
export function findWasmDir(dirs: readonly string[] = defaultWasmDirs()): string | undefined {
  return dirs.find((dir) => wasmBinaries.every((file) => existsSync(join(dir, file))));
}
