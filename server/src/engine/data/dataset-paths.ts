import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { DatasetSpec } from './load-dataset.js';

/** Spec fields that name files or folders (every kind uses `path`; idx names its four files). */
const PATH_FIELD = /^(path|(train|test)(Images|Labels))$/;

/**
 * The files and folders a dataset spec names that do not exist, resolved against `baseDir`, each
 * as `path (CODE)`. A search checks this before its first training: a missing folder is one clear
 * error instead of every candidate failing.
 */
export async function missingDatasetPaths(spec: DatasetSpec, baseDir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (!PATH_FIELD.test(key) || typeof value !== 'string') continue;
    const p = path.resolve(baseDir, value);
    try {
      await stat(p);
    } catch (e) {
      missing.push(`${p} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  return missing;
}
