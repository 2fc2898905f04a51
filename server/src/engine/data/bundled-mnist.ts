import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * MNIST shipped inside the .vsix (gzipped next to the bundles, which all live in one folder) wins
 * over node_modules: the training worker and the queue coordinator read the same files.
 */
export function bundledMnistDir(): string | undefined {
  const dir = join(__dirname, 'data', 'mnist');
  return existsSync(dir) ? dir : undefined;
}
