import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_INLINE_BYTES, WEIGHT_FILES, type WeightFiles } from './queue-job.js';

/** A saved model's files (tfjs layers format) as base64, to travel inside a job or a result. */
export async function readWeightFiles(dir: string): Promise<WeightFiles> {
  const files: Record<string, string> = {};
  let total = 0;
  for (const f of WEIGHT_FILES) {
    const path = join(dir, f);
    total += (await stat(path)).size;
    if (total > MAX_INLINE_BYTES)
      throw new Error(
        `the weights are over ${MAX_INLINE_BYTES >> 20} MB: start the search with a shared weights folder`,
      );
    files[f] = (await readFile(path)).toString('base64');
  }
  return files;
}

/** Writes checked weight files (only the expected names: see `checkJobData`/`checkJobResult`) into `dir`. */
export async function writeWeightFiles(dir: string, files: WeightFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of WEIGHT_FILES) {
    const data = files[f];
    if (data !== undefined) await writeFile(join(dir, f), Buffer.from(data, 'base64'));
  }
}
