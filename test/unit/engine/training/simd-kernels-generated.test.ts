import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../../..');
const committed = join(root, 'server/src/engine/training/backend/generated');

describe('generated WebAssembly kernels', () => {
  const clang = (() => {
    try {
      execFileSync('clang', ['--version']);
      execFileSync('wasm-ld', ['--version']);
      return true;
    } catch {
      return false;
    }
  })();
  const why = clang
    ? ''
    : 'clang or wasm-ld is not installed (apt-get install clang lld; scripts/setup.sh does)';

  it.skipIf(why !== '')(
    `are what scripts/generate-wasm-kernels.sh builds now${why ? ` — SKIPPED: ${why}` : ''}`,
    () => {
      const tmp = mkdtempSync(join(tmpdir(), 'wasm-kernels-'));
      try {
        execFileSync('bash', [join(root, 'scripts/generate-wasm-kernels.sh'), tmp], {
          cwd: root,
          stdio: 'pipe',
        });
        for (const f of ['gradient-kernels.wasm', 'README.md'])
          expect(
            readFileSync(join(committed, f)).equals(readFileSync(join(tmp, f))),
            `${f} is stale: run bash scripts/generate-wasm-kernels.sh`,
          ).toBe(true);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );

  it('import only the memory they run on', () => {
    // The project's TypeScript lib has no WebAssembly types; Node has the API.
    const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyModules }).WebAssembly;
    const module = new wasm.Module(readFileSync(join(committed, 'gradient-kernels.wasm')));
    expect(wasm.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });
});

interface WebAssemblyModules {
  Module: { new (bytes: Uint8Array): object; imports(module: object): unknown[] };
}
