import type { SearchConfig } from '../server/src/engine/config/search-config.js';
import { round, runStudyVariants, studyConfig, studyMeans, studySearch } from './study-runner.js';

/**
 * `npm run study:strategies`: μNAS's three search modes on one small search, same seeds, same
 * budget of candidates, real training on the wasm backend (issue 16):
 *   - aging evolution;
 *   - aging evolution + structured DPF pruning (a sparsity gene per candidate, 10 %..80 %);
 *   - Bayesian optimisation (GP on error, Thompson sampling, same scalarisation).
 * All with the resource pre-screen. The flash limit is tight (3 KB) so that pruning matters.
 * Reported per variant and seed: hypervolume (same normalisers and reference for all), feasible
 * candidates trained, the best feasible error, wall time.
 */
const SEARCH = (strategy: string, pruning: string, subset: number): string =>
  studySearch(
    'strategies',
    subset,
    '3 KB',
    `${strategy}
  ${pruning}
  train { epochs 2  batch 64  optimizer adam  lr 0.005 }`,
  );

interface Variant {
  readonly name: string;
  readonly strategy: (rounds: number) => string;
  readonly pruning: string;
}

const VARIANTS: readonly Variant[] = [
  {
    name: 'evolution',
    strategy: (n) => `strategy evolution { population 8  sample 3  rounds ${n} }`,
    pruning: '',
  },
  {
    name: 'evolution+pruning',
    strategy: (n) => `strategy evolution { population 8  sample 3  rounds ${n} }`,
    pruning: 'pruning { structured 10%..80%  epochs 1..1 }',
  },
  { name: 'bayesian', strategy: (n) => `strategy bayesian { initial 8  rounds ${n} }`, pruning: '' },
];

function configFor(v: Variant, seed: number, budget: number, subset: number): SearchConfig {
  const config = studyConfig(SEARCH(v.strategy(budget), v.pruning, subset));
  return { ...config, strategy: { ...config.strategy, seed } };
}

export async function runStrategyStudy(
  options: { seeds?: readonly number[]; budget?: number; subset?: number } = {},
): Promise<Record<string, unknown>> {
  const budget = options.budget ?? 24;
  const subset = options.subset ?? 8000;
  const rows = await runStudyVariants({
    seeds: options.seeds ?? [1, 2],
    variants: VARIANTS,
    config: (v, seed) => configFor(v, seed, budget, subset),
    row: (s, seconds) => {
      const best = Math.min(...s.front.map((c) => c.error ?? 1));
      return {
        hypervolume: round(s.hypervolume),
        front: s.front.length,
        evaluated: s.evaluated,
        feasibleTrained: s.feasibleTrained,
        bestFeasibleError: Number.isFinite(best) ? round(best) : null,
        seconds: round(seconds),
      };
    },
  });
  return {
    setup: `MNIST subset ${subset}, ${budget} candidates per run, 2 epochs, 2 workers, wasm, pre-screen on; hypervolume of (error, ram, flash, macs) normalised by the limits, reference 2× the limits`,
    runs: rows,
    mean: studyMeans(VARIANTS, rows, ['hypervolume', 'feasibleTrained', 'bestFeasibleError', 'seconds']),
  };
}
