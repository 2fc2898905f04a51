import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toArray } from '../protocol/src/append-log.js';
import type { CandidateSummary, RunEvent } from '../protocol/src/run-events.js';
import { foldRunEvents } from '../protocol/src/run-state.js';
import { resolveSearch } from '../server/src/engine/config/resolve-search.js';
import type { SearchConfig } from '../server/src/engine/config/search-config.js';
import { analyze } from '../server/src/engine/language/analyze.js';
import { loadRun, RunStore } from '../server/src/engine/runs/run-store.js';
import { runSearch } from '../server/src/engine/runs/search-runner.js';
import { graphOfModelText } from '../server/src/engine/search/model-text.js';
import { hypervolume } from '../server/src/engine/search/pareto.js';
import { WorkerPool } from '../server/src/engine/training/worker-pool.js';
import { spearman } from './rank-correlation.js';

/**
 * `npm run study -- --minutes M`: search power per CPU-hour at equal wall time. μNAS's MNIST task
 * under its bounds in its own accounting (`convention unas`: peak RAM ≤ 2 500 B with the input
 * excluded, ≤ 4 500 B of 1-byte parameters, ≤ 30 M MACs), on the workers of this machine:
 *   - munas: aging evolution as in the paper (soft bounds, every proposal trained from scratch);
 *   - +prescreen: hard bounds, proposals over them redrawn before training;
 *   - +inherit: children start from their parent's weights and train `inherit` epochs;
 *   - +halving: three-rung ASHA (cheap first, full only for the best third of each rung);
 *   - all: the three together;
 *   - all-but-inherit: pre-screen and halving, every child from scratch;
 *   - all-error-only: the three, with accuracy as the only objective within hard bounds
 *     (these two are not in the default list).
 * Each gets the same wall time for its search, then the same final phase (the best `final-top`
 * front members within the bounds re-trained on the whole training set on every worker, test set
 * measured). Reported per run: candidates and candidates per hour, the hypervolume of the trained
 * candidates within the bounds (same normalisation for all), the best validation error and the best
 * test accuracy within the bounds; and, once, the rank correlation between inherited-and-short and
 * from-scratch-and-full errors of up to `correlation` inherited candidates.
 */
export interface PowerStudyOptions {
  /** Wall time of each search, in minutes (the full study: 42, then its final phase). */
  readonly minutes: number;
  readonly seeds: readonly number[];
  readonly variants: readonly VariantName[];
  /** Inherited candidates re-trained from scratch for the rank correlation (0 = skip). */
  readonly correlation: number;
  readonly finalTop: number;
  readonly finalEpochs: number;
  /** The final phase fine-tunes the weights the search trained (`final { warm }`), not from scratch. */
  readonly finalWarm: boolean;
  /** Wall-time bound of the final phase in minutes (`final { time }`); 0 = `finalEpochs` only. */
  readonly finalMinutes: number;
  /** One finalist per topology (`final { distinct }`), not near-twins. */
  readonly finalDistinct: boolean;
  /** Random rotations of up to ± this many degrees besides the ±2 px shifts (μNAS's MNIST recipe); 0 = none. */
  readonly rotate: number;
  /** Epochs an inherited child trains (its parent's weights are the head start). */
  readonly inheritEpochs: number;
  /** Keep the run folders here (default: a temporary folder, removed at the end). */
  readonly keep?: string;
  /** Training images per candidate during the search (stratified subset). */
  readonly subset: number;
  /** Aging evolution's population and sample (short runs need a small population to see children). */
  readonly population: number;
  readonly sample: number;
  readonly workers: number;
  readonly log?: (line: string) => void;
}

export const VARIANT_NAMES = [
  'munas',
  '+prescreen',
  '+inherit',
  '+halving',
  'all',
  'all-but-inherit',
  'all-error-only',
] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];

/** The additions a variant turns on. */
type Addition = 'prescreen' | 'inherit' | 'halving' | 'error-only';
const ADDITIONS: Record<VariantName, readonly Addition[]> = {
  munas: [],
  '+prescreen': ['prescreen'],
  '+inherit': ['inherit'],
  '+halving': ['halving'],
  all: ['prescreen', 'inherit', 'halving'],
  // Every child trained from scratch: whether inheritance's lineage head start misleads selection.
  'all-but-inherit': ['prescreen', 'halving'],
  // The three, searching for accuracy alone within the (hard) bounds: the study's own yardstick.
  'all-error-only': ['prescreen', 'inherit', 'halving', 'error-only'],
};
const has = (v: VariantName, a: Addition) => ADDITIONS[v].includes(a);

export const DEFAULT_POWER_STUDY: PowerStudyOptions = {
  // 42 min of search and a final phase of about 17 min (the best two, 100 epochs each, one per
  // core): the 60-minute goal covers both. Shifts and rotations, as μNAS trained MNIST.
  minutes: 42,
  seeds: [1, 2],
  variants: ['munas', '+prescreen', '+inherit', '+halving', 'all'],
  correlation: 20,
  finalTop: 2,
  finalEpochs: 100,
  finalWarm: false,
  finalMinutes: 17,
  finalDistinct: true,
  rotate: 10,
  inheritEpochs: 2,
  subset: 10000,
  population: 40,
  sample: 10,
  workers: 2,
};

/** μNAS's MNIST bounds, in the unas convention. */
const BOUNDS = { error: 0.2, ram: 2500, flash: 4500, macs: 30e6 } as const;

function studyText(v: VariantName, o: PowerStudyOptions, seed: number): string {
  const hard = has(v, 'prescreen');
  const mode = hard ? 'hard' : 'soft';
  const halving = has(v, 'halving') ? 'halving epochs 1 subset 2500 keep 33% rungs 3' : '';
  const inherit = has(v, 'inherit') ? `inherit { epochs ${o.inheritEpochs} }` : '';
  return `
search study {
  dataset mnist { validation 10%  subset ${o.subset}  augment { shift 2${o.rotate ? `  rotate ${o.rotate}` : ''} } }
  target nucleo-f746zg
  convention unas
  constraints { ram <= ${BOUNDS.ram} B ${mode}  flash <= ${BOUNDS.flash} B ${mode}  macs <= 30 M ${mode}  error <= 3.5% soft }
  objectives ${has(v, 'error-only') ? 'error' : 'error, ram, flash, macs'}
  space {
    blocks 1..4 { layers 1..3 { op conv2d | conv1x1 | dwconv2d  kernel 3 | 5 | 7  stride 1 | 2  channels 1..64 } }
    pool none | avg 2 | max 2 | avg 4 | max 4
    dense 1..2 { units 10..64 }
  }
  strategy evolution { population ${o.population}  sample ${o.sample}  rounds 1000000  time ${o.minutes * 60} s  seed ${seed}  ${halving} }
  train { epochs 4  batch 128  optimizer adam  lr 0.003  schedule cosine }
  final { top ${o.finalTop}  epochs ${o.finalEpochs}${o.finalMinutes ? `  time ${o.finalMinutes * 60} s` : ''}${o.finalDistinct ? '  distinct' : ''}${o.finalWarm ? '  warm' : ''} }
  ${inherit}
}`;
}

export function studyConfig(v: VariantName, o: PowerStudyOptions, seed: number): SearchConfig {
  const a = analyze(studyText(v, o, seed));
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('; '));
  const r = resolveSearch(a.document, a.document.searches[0]!, join(process.cwd(), 'study.unas'));
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.config;
}

const within = (c: CandidateSummary) =>
  c.resources.ram <= BOUNDS.ram && c.resources.flash <= BOUNDS.flash && c.resources.macs <= BOUNDS.macs;

/** Hypervolume of the trained candidates within the bounds, objectives scaled by the bounds (reference 1). */
export function boundedHypervolume(cands: readonly CandidateSummary[]): number {
  const points = cands
    .filter((c) => c.status === 'trained' && c.error !== undefined && within(c))
    .map((c) => [
      c.error! / BOUNDS.error,
      c.resources.ram / BOUNDS.ram,
      c.resources.flash / BOUNDS.flash,
      c.resources.macs / BOUNDS.macs,
    ]);
  return hypervolume(points, [1, 1, 1, 1]);
}

interface RunRow {
  readonly variant: VariantName;
  readonly seed: number;
  readonly searchSeconds: number;
  readonly finalSeconds: number;
  /** Search and final phase together, the figure the 60-minute goal is about. */
  readonly totalMinutes: number;
  readonly evaluated: number;
  readonly candidatesPerHour: number;
  readonly inherited: number;
  readonly stoppedAtCheapRung: number;
  readonly hypervolume: number;
  readonly bestValidationErrorInBounds?: number;
  /**
   * The final member a user would deploy, chosen on the final training's validation error: its test
   * accuracy and resources. The headline figure (the test set chooses nothing).
   */
  readonly chosenTestAccuracy?: number;
  readonly chosenModel?: { readonly ram: number; readonly flash: number; readonly macs: number };
  /** The best test accuracy among the final members (chosen on the test set: for reference only). */
  readonly bestTestAccuracyInBounds?: number;
  readonly bestModel?: { readonly ram: number; readonly flash: number; readonly macs: number };
}

export async function runPowerStudy(o: PowerStudyOptions): Promise<Record<string, unknown>> {
  const root = o.keep ?? mkdtempSync(join(tmpdir(), 'unas-power-study-'));
  mkdirSync(root, { recursive: true });
  const pool = new WorkerPool({ script: join(__dirname, 'worker.js'), workers: o.workers, backend: 'wasm' });
  const rows: RunRow[] = [];
  let correlation: Record<string, unknown> | undefined;
  try {
    for (const seed of o.seeds) {
      for (const v of o.variants) {
        const config = studyConfig(v, o, seed);
        const store = await RunStore.create(root, { ...config, name: `${v.replace('+', 'plus-')}-${seed}` });
        const events: RunEvent[] = [];
        const t0 = Date.now();
        let finalAt: number | undefined;
        o.log?.(`${v} seed ${seed}: searching for ${o.minutes} min…`);
        const s = await runSearch({
          config,
          store,
          evaluator: pool,
          baseDir: process.cwd(),
          prescreen: has(v, 'prescreen'),
          onEvent: (e) => {
            events.push(e);
            if (e.type === 'final-started') finalAt = Date.now();
          },
        });
        const t1 = Date.now();
        store.close();
        const cands = candidatesOf(events);
        const searchSeconds = ((finalAt ?? t1) - t0) / 1000;
        const inBounds = cands.filter((c) => c.status === 'trained' && within(c));
        const bestVal = inBounds.reduce<CandidateSummary | undefined>(
          (b, c) => (b === undefined || c.error! < b.error! ? c : b),
          undefined,
        );
        const finals = inBounds.filter((c) => c.testError !== undefined);
        const bestBy = (key: (c: CandidateSummary) => number) =>
          finals.reduce<CandidateSummary | undefined>(
            (b, c) => (b === undefined || key(c) < key(b) ? c : b),
            undefined,
          );
        const bestTest = bestBy((c) => c.testError!);
        const chosen = bestBy((c) => c.finalError ?? c.error!);
        const model = (c: CandidateSummary) => ({
          ram: c.resources.ram,
          flash: c.resources.flash,
          macs: c.resources.macs,
        });
        rows.push({
          variant: v,
          seed,
          searchSeconds: round(searchSeconds),
          finalSeconds: round(finalAt ? (t1 - finalAt) / 1000 : 0),
          totalMinutes: round((t1 - t0) / 60_000, 1),
          evaluated: s.evaluated,
          candidatesPerHour: Math.round((s.evaluated / Math.max(1, searchSeconds)) * 3600),
          inherited: cands.filter((c) => c.inheritedFrom !== undefined).length,
          stoppedAtCheapRung: cands.filter((c) => c.fidelity === 'low').length,
          hypervolume: round(boundedHypervolume(cands), 5),
          ...(bestVal ? { bestValidationErrorInBounds: round(bestVal.error!, 4) } : {}),
          ...(chosen
            ? { chosenTestAccuracy: round(1 - chosen.testError!, 4), chosenModel: model(chosen) }
            : {}),
          ...(bestTest
            ? { bestTestAccuracyInBounds: round(1 - bestTest.testError!, 4), bestModel: model(bestTest) }
            : {}),
        });
        o.log?.(JSON.stringify(rows.at(-1)));
        // Once, from the first run with inherited candidates.
        if (
          !correlation &&
          o.correlation > 0 &&
          cands.some((c) => c.inheritedFrom !== undefined && c.fidelity !== 'low')
        )
          correlation = await inheritedVsScratch(pool, config, cands, o.correlation, o.log);
      }
    }
  } finally {
    await pool.close();
    if (!o.keep) rmSync(root, { recursive: true, force: true });
  }
  const mean = (v: VariantName, key: keyof RunRow) => {
    const xs = rows.filter((r) => r.variant === v && typeof r[key] === 'number').map((r) => r[key] as number);
    return xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 4) : null;
  };
  return {
    setup: {
      task: 'MNIST, μNAS bounds in the unas convention: peak RAM ≤ 2500 B (input excluded), flash ≤ 4500 B, MACs ≤ 30 M',
      minutesPerSearch: o.minutes,
      seeds: o.seeds,
      population: o.population,
      sample: o.sample,
      workers: o.workers,
      backend: 'wasm',
      searchTraining: `${o.subset} images (10% validation), 4 epochs from scratch (Adam 0.003, cosine); inherit ${o.inheritEpochs} epoch(s); halving 1 epoch on 2500 images, 3 rungs, keep 33%, a promoted candidate continuing from its previous rung`,
      finalPhase: `top ${o.finalTop} front members within the bounds${o.finalDistinct ? ' (one per topology)' : ''}, ${o.finalEpochs} epochs (cosine)${o.finalMinutes ? ` or as many as fit in ${o.finalMinutes} min` : ''} on the whole training set, ${o.finalWarm ? 'from the weights the search trained' : 'from scratch'}; the member with the best final validation error is the one chosen`,
      augmentation: `shifts of ±2 px${o.rotate ? `, rotations of ±${o.rotate}°` : ''}`,
      hypervolume:
        'of (error/0.2, ram/2500, flash/4500, macs/30M) over trained candidates within the bounds, reference 1',
    },
    runs: rows,
    mean: Object.fromEntries(
      o.variants.map((v) => [
        v,
        {
          candidatesPerHour: mean(v, 'candidatesPerHour'),
          hypervolume: mean(v, 'hypervolume'),
          bestValidationErrorInBounds: mean(v, 'bestValidationErrorInBounds'),
          chosenTestAccuracy: mean(v, 'chosenTestAccuracy'),
          bestTestAccuracyInBounds: mean(v, 'bestTestAccuracyInBounds'),
        },
      ]),
    ),
    ...(correlation ? { inheritedVsScratch: correlation } : {}),
  };
}

/**
 * The rank correlation of a kept run folder (`npm run study -- correlation DIR`): the same
 * measurement as the study's, for a run made by it or by `unas search`.
 */
export async function correlationOfRun(
  dir: string,
  n: number,
  workers: number,
): Promise<Record<string, unknown>> {
  const run = await loadRun(dir);
  const pool = new WorkerPool({ script: join(__dirname, 'worker.js'), workers, backend: 'wasm' });
  try {
    return {
      run: run.config.name,
      ...(await inheritedVsScratch(pool, run.config, candidatesOf(run.events), n)),
    };
  } finally {
    await pool.close();
  }
}

/** Every finished candidate once, as its latest event says (the run's one fold). */
const candidatesOf = (events: readonly RunEvent[]) => [...toArray(foldRunEvents(events).candidates)];

/** Re-trains up to `n` inherited candidates from scratch with the full schedule; Spearman of the two errors. */
async function inheritedVsScratch(
  pool: WorkerPool,
  config: SearchConfig,
  cands: readonly CandidateSummary[],
  n: number,
  log?: (line: string) => void,
): Promise<Record<string, unknown>> {
  const picked = cands
    .filter((c) => c.status === 'trained' && c.inheritedFrom !== undefined && c.fidelity !== 'low')
    .slice(0, n);
  log?.(`re-training ${picked.length} inherited candidates from scratch for the rank correlation…`);
  const pairs = await Promise.all(
    picked.map(async (c) => {
      const graph = graphOfModelText(c.model);
      if (!graph) return undefined;
      const r = await pool.train({
        id: c.id,
        graph,
        dataset: config.dataset,
        baseDir: process.cwd(),
        train: config.train,
        seed: config.strategy.seed * 100_003 + c.id,
      });
      return r.status === 'trained' ? { id: c.id, inherited: c.error!, scratch: 1 - r.accuracy } : undefined;
    }),
  );
  const ok = pairs.flatMap((p) => (p ? [p] : []));
  return {
    candidates: ok.length,
    spearman: round(
      spearman(
        ok.map((p) => p.inherited),
        ok.map((p) => p.scratch),
      ),
      4,
    ),
    pairs: ok.map((p) => ({ id: p.id, inherited: round(p.inherited, 4), scratch: round(p.scratch, 4) })),
  };
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
