import type { SearchConfig } from '../server/src/engine/config/search-config.js';
import { round, runStudyVariants, studyConfig, studyMeans, studySearch } from './study-runner.js';

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
const STUDY = (subset: number): string =>
  studySearch(
    'study',
    subset,
    '8 KB',
    `strategy evolution { population 8  sample 3  rounds 24 HALVING }
  train { epochs 1  batch 64  optimizer adam  lr 0.005 }`,
  );

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
  const config = studyConfig(STUDY(v.subset).replace('HALVING', v.halving ?? ''));
  return { ...config, strategy: { ...config.strategy, kind: v.kind, seed } };
}

export async function runStudy(
  options: { seeds?: readonly number[]; budget?: number } = {},
): Promise<Record<string, unknown>> {
  const rows = await runStudyVariants({
    seeds: options.seeds ?? [1, 2],
    variants: VARIANTS,
    config: configFor,
    prescreen: (v) => v.prescreen,
    ...(options.budget ? { budget: options.budget } : {}),
    row: (s, seconds) => ({
      hypervolume: round(s.hypervolume),
      front: s.front.length,
      evaluated: s.evaluated,
      feasibleTrained: s.feasibleTrained,
      trainingsSaved: s.screenedOut,
      seconds: round(seconds),
      candidatesPerHour: Math.round((s.evaluated / seconds) * 3600),
    }),
  });
  return {
    setup:
      'MNIST, 24 candidates per run, 1 epoch, 2 workers, wasm; hypervolume of (error, ram, flash, macs) normalised by the limits, reference 2× the limits',
    runs: rows,
    mean: studyMeans(VARIANTS, rows, [
      'hypervolume',
      'feasibleTrained',
      'candidatesPerHour',
      'trainingsSaved',
    ]),
  };
}
