import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSearch } from '../server/src/engine/config/resolve-search.js';
import type { SearchConfig } from '../server/src/engine/config/search-config.js';
import { analyze } from '../server/src/engine/language/analyze.js';
import { RunStore } from '../server/src/engine/runs/run-store.js';
import { runSearch } from '../server/src/engine/runs/search-runner.js';
import { WorkerPool } from '../server/src/engine/training/worker-pool.js';

/**
 * `npm run study`: the same small search three ways, same seeds, same budget of candidates,
 * real training on the wasm backend:
 *   - μNAS: aging evolution; limits only normalise and mark candidates, every proposal is trained;
 *   - random search: the baseline μNAS compares against;
 *   - beyond μNAS: aging evolution + the resource pre-screen: proposals over a hard limit are
 *     redrawn before training, so the whole budget goes to candidates that can ship;
 *   - beyond μNAS + halving: the same, and each candidate first trains on 2 000 images; only the
 *     best half so far (ASHA's rule) is trained on the 8 000.
 * All train on the same stratified 8 000-image subset for one epoch, so errors are comparable.
 * Reported per variant and seed: hypervolume reached (same normalisers and reference for all),
 * feasible candidates, trainings the pre-screen saved, wall time, candidates per hour.
 */
const STUDY = (subset: number): string => `
search study {
  dataset mnist { validation 5%  subset ${subset} }
  target nucleo-f746zg
  constraints { ram <= 4 KB  flash <= 8 KB  macs <= 200 K  error <= 10% soft }
  objectives error, ram, flash, macs
  space {
    blocks 1..3 { layers 1..2 { op conv2d | conv1x1 | dwconv2d  kernel 3 | 5  stride 1 | 2  channels 2..24 } }
    pool none | avg 2 | max 2
    dense 0..1 { units 10..32 }
  }
  strategy evolution { population 8  sample 3  rounds 24 HALVING }
  train { epochs 1  batch 64  optimizer adam  lr 0.005 }
}`;

interface Variant {
  readonly name: string;
  readonly kind: 'evolution' | 'random';
  readonly prescreen: boolean;
  readonly subset: number;
  readonly halving?: string;
}

const VARIANTS: readonly Variant[] = [
  { name: 'munas', kind: 'evolution', prescreen: false, subset: 8000 },
  { name: 'random', kind: 'random', prescreen: false, subset: 8000 },
  { name: 'beyond-munas', kind: 'evolution', prescreen: true, subset: 8000 },
  {
    name: 'beyond-munas+halving',
    kind: 'evolution',
    prescreen: true,
    subset: 8000,
    halving: 'halving epochs 1 subset 2000 keep 50%',
  },
];

function configFor(v: Variant, seed: number): SearchConfig {
  const a = analyze(STUDY(v.subset).replace('HALVING', v.halving ?? ''));
  const r = resolveSearch(a.document, a.document.searches[0]!, join(process.cwd(), 'study.unas'));
  if (!r.ok) throw new Error(r.errors.join('; '));
  return { ...r.config, strategy: { ...r.config.strategy, kind: v.kind, seed } };
}

export async function runStudy(
  options: { seeds?: readonly number[]; budget?: number } = {},
): Promise<Record<string, unknown>> {
  const seeds = options.seeds ?? [1, 2];
  const root = mkdtempSync(join(tmpdir(), 'unas-study-'));
  const pool = new WorkerPool({ script: join(__dirname, 'worker.js'), workers: 2, backend: 'wasm' });
  const rows: Record<string, unknown>[] = [];
  try {
    for (const seed of seeds) {
      for (const v of VARIANTS) {
        const config = configFor(v, seed);
        const store = await RunStore.create(root, { ...config, name: `${v.name}-${seed}` });
        const t0 = performance.now();
        const s = await runSearch({
          config,
          store,
          evaluator: pool,
          baseDir: process.cwd(),
          finalRetrain: false,
          prescreen: v.prescreen,
          ...(options.budget ? { budget: options.budget } : {}),
        });
        const seconds = (performance.now() - t0) / 1000;
        store.close();
        rows.push({
          variant: v.name,
          seed,
          hypervolume: round(s.hypervolume),
          front: s.front.length,
          evaluated: s.evaluated,
          feasibleTrained: s.feasibleTrained,
          trainingsSaved: s.screenedOut,
          seconds: round(seconds),
          candidatesPerHour: Math.round((s.evaluated / seconds) * 3600),
        });
      }
    }
  } finally {
    await pool.close();
    rmSync(root, { recursive: true, force: true });
  }
  const mean = (name: string, key: string) =>
    round(avg(rows.filter((r) => r.variant === name).map((r) => r[key] as number)));
  return {
    setup:
      'MNIST, 24 candidates per run, 1 epoch, 2 workers, wasm; hypervolume of (error, ram, flash, macs) normalised by the limits, reference 2× the limits',
    runs: rows,
    mean: Object.fromEntries(
      VARIANTS.map((v) => [
        v.name,
        {
          hypervolume: mean(v.name, 'hypervolume'),
          feasibleTrained: mean(v.name, 'feasibleTrained'),
          candidatesPerHour: mean(v.name, 'candidatesPerHour'),
          trainingsSaved: mean(v.name, 'trainingsSaved'),
        },
      ]),
    ),
  };
}

const avg = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const round = (x: number) => Math.round(x * 1000) / 1000;
