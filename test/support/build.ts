import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/**
 * Tests that spawn bundled processes (workers, the language server, the CLI) need `dist/`.
 * `npm test` builds first; a lone `vitest run` of such a file builds here if dist is missing.
 */
export async function buildOnce(): Promise<void> {
  const marker = join(root, 'dist/worker.js');
  if (existsSync(marker) && statSync(marker).size > 0) return;
  execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
}
