import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSearch } from '../server/src/engine/config/resolve-search.js';
import type { SearchConfig } from '../server/src/engine/config/search-config.js';
import { analyze } from '../server/src/engine/language/analyze.js';
import { RunStore } from '../server/src/engine/runs/run-store.js';
import { runSearch, type RunSummary } from '../server/src/engine/runs/search-runner.js';
import { WorkerPool } from '../server/src/engine/training/worker-pool.js';

/** The shared loop of the budget studies (`bench/study.ts`, `bench/study-strategies.ts`). */

/**
 * The small MNIST search both studies run: `flash` is the hard flash limit, `tail` the strategy,
 * pruning and training statements that make the variants differ.
 */
export const studySearch = (name: string, subset: number, flash: string, tail: string): string => `
search ${name} {
  dataset mnist { validation 5%  subset ${subset} }
  target nucleo-f746zg
  constraints { ram <= 4 KB  flash <= ${flash}  macs <= 200 K  error <= 10% soft }
  objectives error, ram, flash, macs
  space {
    blocks 1..3 { layers 1..2 { op conv2d | conv1x1 | dwconv2d  kernel 3 | 5  stride 1 | 2  channels 2..24 } }
    pool none | avg 2 | max 2
    dense 0..1 { units 10..32 }
  }
  ${tail}
}`;

/** The search config of a study's `.unas` text (its one search); throws on an analysis error. */
export function studyConfig(text: string): SearchConfig {
  const a = analyze(text);
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('; '));
  const r = resolveSearch(a.document, a.document.searches[0]!, join(process.cwd(), 'study.unas'));
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.config;
}

export interface StudyVariant {
  readonly name: string;
}

/**
 * Runs every variant once per seed, one after the other, on one 2-worker wasm pool and a scratch run
 * store; `row` turns each search's summary and wall seconds into its row of the report.
 */
export async function runStudyVariants<V extends StudyVariant>(o: {
  readonly seeds: readonly number[];
  readonly variants: readonly V[];
  readonly config: (v: V, seed: number) => SearchConfig;
  readonly prescreen?: (v: V) => boolean;
  readonly budget?: number;
  readonly row: (s: RunSummary, seconds: number) => Record<string, unknown>;
}): Promise<Record<string, unknown>[]> {
  const root = mkdtempSync(join(tmpdir(), 'unas-study-'));
  const pool = new WorkerPool({ script: join(__dirname, 'worker.js'), workers: 2, backend: 'wasm' });
  const rows: Record<string, unknown>[] = [];
  try {
    for (const seed of o.seeds) {
      for (const v of o.variants) {
        const config = o.config(v, seed);
        const store = await RunStore.create(root, { ...config, name: `${v.name}-${seed}` });
        const t0 = performance.now();
        const s = await runSearch({
          config,
          store,
          evaluator: pool,
          baseDir: process.cwd(),
          finalRetrain: false,
          ...(o.prescreen ? { prescreen: o.prescreen(v) } : {}),
          ...(o.budget ? { budget: o.budget } : {}),
        });
        const seconds = (performance.now() - t0) / 1000;
        store.close();
        rows.push({ variant: v.name, seed, ...o.row(s, seconds) });
      }
    }
  } finally {
    await pool.close();
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

/** Per variant, the mean of each of `keys` over its rows (rows where a key is not a number skipped). */
export function studyMeans(
  variants: readonly StudyVariant[],
  rows: readonly Record<string, unknown>[],
  keys: readonly string[],
): Record<string, Record<string, number>> {
  const mean = (name: string, key: string) =>
    round(
      avg(rows.filter((r) => r.variant === name && typeof r[key] === 'number').map((r) => r[key] as number)),
    );
  return Object.fromEntries(
    variants.map((v) => [v.name, Object.fromEntries(keys.map((k) => [k, mean(v.name, k)]))]),
  );
}

const avg = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
export const round = (x: number): number => Math.round(x * 1000) / 1000;
