import type {
  CandidateSummary,
  ConstraintSummary,
  Resources,
  RunEvent,
} from '../../../../protocol/src/run-events.js';
import type { SearchConfig } from '../config/search-config.js';
import { analyze } from '../language/analyze.js';
import { AgingEvolution } from '../search/aging-evolution.js';
import { genotypeToGraph, type Genotype } from '../search/genotype.js';
import { genotypeFromLayers } from '../search/genotype-from-model.js';
import { genotypeToModelText, graphOfModelText } from '../search/model-text.js';
import { violations as violationsOf, type Constraint } from '../search/objectives.js';
import { ParetoArchive } from '../search/pareto.js';
import { RandomSearch } from '../search/random-search.js';
import type { EvaluationResult, Proposal, SearchStrategy, StrategySnapshot } from '../search/strategy.js';
import type { BackendChoice } from '../training/backend/index.js';
import type { EpochReport } from '../training/trainer.js';
import type { TrainJob, WireResult } from '../training/worker-protocol.js';
import { estimateOn, layerSummaries, resourcesOf } from './profiler.js';
import type { LoadedRun, RunState, RunStore } from './run-store.js';

/** What trains candidates: the worker pool, or a stub in tests. */
export interface Evaluator {
  /** How many candidates it trains at once. */
  readonly size: number;
  backend(): Promise<BackendChoice>;
  train(job: TrainJob, onEpoch?: (r: EpochReport) => void): Promise<WireResult>;
  cancel(id: number): void;
}

export interface RunSearchOptions {
  readonly config: SearchConfig;
  readonly store: RunStore;
  readonly evaluator: Evaluator;
  readonly onEvent?: (e: RunEvent) => void;
  readonly signal?: AbortSignal;
  /** Continue a run from its folder (events and state already loaded). */
  readonly resume?: LoadedRun;
  /** Candidates to evaluate, overriding the config's rounds. */
  readonly budget?: number;
  /** Re-train the front on the whole training set and measure test accuracy at the end (default true). */
  readonly finalRetrain?: boolean;
  /** Screen proposals against hard resource limits before training (default true; false = μNAS). */
  readonly prescreen?: boolean;
  /** Folder the dataset's relative paths were resolved against (for error messages). */
  readonly baseDir: string;
  readonly now?: () => Date;
}

export interface RunSummary {
  readonly reason: 'done' | 'stopped' | 'failed';
  readonly evaluated: number;
  readonly front: readonly CandidateSummary[];
  readonly hypervolume: number;
  readonly screenedOut: number;
  /** Trained candidates within every hard limit. */
  readonly feasibleTrained: number;
  readonly message?: string;
}

export function constraintsOf(config: SearchConfig): Constraint[] {
  return config.constraints.map((c) => ({ metric: c.metric, limit: c.limit, mode: c.mode }));
}

/** Baselines that the space's encoding can express seed the population; the others are reported. */
export function baselineGenotypes(config: SearchConfig): { genotypes: Genotype[]; warnings: string[] } {
  const genotypes: Genotype[] = [];
  const warnings: string[] = [];
  for (const b of config.baselines) {
    const a = analyze(b.text);
    const m = a.document.models[0];
    const r = m?.input
      ? genotypeFromLayers(m.input.value, m.layers, {
          maxLayers: config.space.layers.max,
          prepoolSize: config.space.layer.prepool.size,
        })
      : { ok: false as const, reason: 'it does not parse' };
    if (r.ok) genotypes.push(r.genotype);
    else
      warnings.push(
        `baseline '${b.name}' is not evaluated: the search's architecture encoding cannot express it (${r.reason})`,
      );
  }
  return { genotypes, warnings };
}

export function createStrategy(
  config: SearchConfig,
  baselines: readonly Genotype[] = [],
  options: { prescreen?: boolean } = {},
): SearchStrategy {
  const base = {
    baselines,
    space: config.space,
    seed: config.strategy.seed,
    objectives: config.objectives,
    constraints: constraintsOf(config),
    // The pre-screen: proposals over a hard resource limit are redrawn before anyone trains them.
    ...((options.prescreen ?? true)
      ? { profiler: (g: Parameters<typeof estimateOn>[0]) => resourcesOf(estimateOn(g, config.target)) }
      : {}),
  };
  return config.strategy.kind === 'random'
    ? new RandomSearch(base)
    : new AgingEvolution({ ...base, population: config.strategy.population, sample: config.strategy.sample });
}

/**
 * Runs (or resumes) a search: keeps every evaluator slot busy, journals every result before it is
 * acted on, and snapshots the strategy after each one, so a kill loses at most the candidates in
 * training (they are proposed again, identically, on resume). Never throws for a bad candidate.
 */
export async function runSearch(o: RunSearchOptions): Promise<RunSummary> {
  const { config, store, evaluator } = o;
  const now = o.now ?? (() => new Date());
  const budget = o.budget ?? config.strategy.rounds;
  const constraints = constraintsOf(config);
  const seeds = baselineGenotypes(config);
  const strategy = createStrategy(config, seeds.genotypes, { prescreen: o.prescreen ?? true });
  const archive = new ParetoArchive(config.objectives, constraints);
  const candidates = new Map<number, CandidateSummary>();
  const told = new Set<number>();
  let evaluated = 0;
  const emit = (e: RunEvent) => {
    store.append(e);
    o.onEvent?.(e);
  };

  // ---- resume: the snapshot, then every result journalled after it -------------------------
  let pending: Proposal[] = [];
  if (o.resume) {
    const state = o.resume.state;
    if (state) {
      strategy.restore(state.strategy as StrategySnapshot);
      for (const id of state.told) told.add(id);
    }
    for (const e of o.resume.events) {
      if (e.type !== 'candidate-finished' || e.candidate.testError !== undefined) continue;
      const c = e.candidate;
      candidates.set(c.id, c);
      if (c.status === 'trained' || c.status === 'failed') evaluated++;
      if (c.status === 'trained' && c.error !== undefined) archive.add(c.id, c.error, c.resources);
      if (!told.has(c.id) && strategy.outstanding().some((p) => p.id === c.id)) {
        strategy.tell(c.id, toResult(c));
        told.add(c.id);
      }
    }
    // Results lost to damaged journal lines still used their share of the budget (run-store.ts).
    evaluated += o.resume.lostEvaluations ?? 0;
    // Proposals that were training when the run stopped: train them again.
    pending = [...strategy.outstanding()];
  }

  const backend = await evaluator.backend().catch((e: unknown) => e as Error);
  if (backend instanceof Error) {
    const message = `no training backend: ${backend.message}`;
    emit({ type: 'run-finished', reason: 'failed', message, time: now().toISOString() });
    return {
      reason: 'failed',
      evaluated,
      front: [],
      hypervolume: 0,
      screenedOut: 0,
      feasibleTrained: 0,
      message,
    };
  }
  emit({
    type: 'run-started',
    run: store.dir,
    search: config.name,
    budget,
    objectives: config.objectives,
    constraints: config.constraints.map((c): ConstraintSummary => ({
      metric: c.metric,
      limit: c.limit,
      mode: c.mode,
    })),
    backend: `${backend.name} (${backend.reason})`,
    workers: evaluator.size,
    time: now().toISOString(),
    resumed: Boolean(o.resume),
  });

  if (!o.resume) for (const w of seeds.warnings) emit({ type: 'log', level: 'warning', message: w });

  const saveState = () => {
    const state: RunState = {
      strategy: strategy.snapshot(),
      told: [...told],
      rejected: strategy.stats().rejected,
      nextId: strategy.stats().asked,
    };
    store.writeState(state);
  };

  const finish = (
    p: Proposal,
    result: WireResult | { status: 'rejected' },
    resources: Resources,
    summaryBase: Omit<CandidateSummary, 'status' | 'feasible' | 'violations'>,
  ): void => {
    let c: CandidateSummary;
    let evalResult: EvaluationResult;
    if (result.status === 'trained') {
      const error = 1 - result.accuracy;
      const v = violationsOf(resources, error, constraints);
      c = {
        ...summaryBase,
        status: 'trained',
        error,
        feasible: v.length === 0,
        violations: v,
        trainSeconds: result.seconds,
        curve: result.curve,
      };
      evalResult = { status: 'trained', error, resources };
      evaluated++;
    } else if (result.status === 'failed') {
      c = {
        ...summaryBase,
        status: 'failed',
        feasible: false,
        violations: [],
        failure: result.reason,
        trainSeconds: result.seconds,
        curve: result.curve,
      };
      evalResult = { status: 'failed', reason: result.reason };
      evaluated++;
    } else {
      const v = violationsOf(resources, undefined, constraints);
      c = { ...summaryBase, status: 'rejected', feasible: false, violations: v.length ? v : p.violations };
      evalResult = { status: 'rejected', reason: c.violations.join('; ') };
    }
    candidates.set(c.id, c);
    // Journal first, then learn from it: on resume the journal is the truth.
    emit({ type: 'candidate-finished', candidate: c, time: now().toISOString() });
    strategy.tell(p.id, evalResult);
    told.add(p.id);
    if (c.status === 'trained' && c.feasible && archive.add(c.id, c.error!, resources)) {
      emit({ type: 'front', ids: archive.frontIds(), hypervolume: archive.hypervolume(), evaluated });
      store.writeFront(archive.frontIds().map((id) => candidates.get(id)));
    }
    if (c.status === 'trained') pruneWeights(p.id);
    saveState();
  };

  // ---- successive halving: a cheap first training; full training only for the best `keep` -----
  const halving = config.strategy.halving;
  const rung0: number[] = [];
  if (halving && o.resume)
    for (const c of candidates.values()) if (c.lowFidelityError !== undefined) rung0.push(c.lowFidelityError);
  /** ASHA's rule at two rungs: promote when within the best `keep` fraction of the cheap results so far. */
  const promote = (error: number, keep: number): boolean => {
    rung0.push(error);
    const sorted = [...rung0].sort((a, b) => a - b);
    return error <= sorted[Math.max(1, Math.floor(keep * sorted.length)) - 1]!;
  };
  type Extra = Partial<Pick<CandidateSummary, 'fidelity' | 'lowFidelityError'>>;
  const train = async (
    job: TrainJob,
    onEpoch: (r: EpochReport) => void,
  ): Promise<{ result: WireResult; extra: Extra }> => {
    if (!halving) return { result: await evaluator.train(job, onEpoch), extra: {} };
    const spec = job.dataset.spec as typeof job.dataset.spec & { subset?: number };
    const subset = halving.subset ? Math.min(halving.subset, spec.subset ?? Infinity) : spec.subset;
    const cheap: TrainJob = {
      ...job,
      train: { ...job.train, epochs: halving.epochs },
      dataset: { ...job.dataset, spec: { ...spec, ...(subset ? { subset } : {}) } },
    };
    const low = await evaluator.train(cheap, onEpoch);
    if (low.status !== 'trained') return { result: low, extra: {} };
    const lowFidelityError = 1 - low.accuracy;
    if (!promote(lowFidelityError, halving.keep))
      return { result: low, extra: { fidelity: 'low', lowFidelityError } };
    const full = await evaluator.train(job, onEpoch);
    return { result: full, extra: { fidelity: 'full', lowFidelityError } };
  };

  const inflight = new Map<number, Promise<void>>();
  // Weights are kept for the front only. Candidates still training are spared (their worker may be
  // writing them right now), prunes run one at a time, and a failed prune only costs disk space.
  let pruning: Promise<void> = Promise.resolve();
  const pruneWeights = (finished: number) => {
    const keep = new Set([...archive.frontIds(), ...[...inflight.keys()].filter((id) => id !== finished)]);
    pruning = pruning
      .then(() => store.pruneWeights(keep))
      .catch((e: unknown) => {
        emit({
          type: 'log',
          level: 'warning',
          message: `could not delete old weights: ${e instanceof Error ? e.message : String(e)}`,
        });
      });
  };
  const start = (p: Proposal): void => {
    const { graph } = genotypeToGraph(p.genotype);
    const est = estimateOn(graph, config.target);
    const resources = resourcesOf(est);
    const base = {
      id: p.id,
      ...(p.parent !== undefined ? { parent: p.parent } : {}),
      origin: p.origin,
      resources,
      model: genotypeToModelText(p.genotype, `candidate_${p.id}`),
      layers: layerSummaries(graph, est),
    };
    if (!p.feasible) {
      finish(p, { status: 'rejected' }, resources, base);
      return;
    }
    emit({ type: 'candidate-started', id: p.id, worker: inflight.size, time: now().toISOString() });
    const job: TrainJob = {
      id: p.id,
      graph,
      dataset: config.dataset,
      baseDir: o.baseDir,
      train: config.train,
      seed: config.strategy.seed * 100_003 + p.id,
      saveTo: store.weightsDir(p.id),
    };
    const onEpoch = (r: EpochReport) =>
      emit({ type: 'epoch', id: p.id, epoch: r.epoch, epochs: r.epochs, loss: r.loss, accuracy: r.accuracy });
    const run = train(job, onEpoch)
      .then(({ result, extra }) => {
        if (result.status !== 'cancelled') finish(p, result, resources, { ...base, ...extra });
      })
      .finally(() => inflight.delete(p.id));
    inflight.set(p.id, run);
  };

  const stopped = () => o.signal?.aborted === true;
  o.signal?.addEventListener(
    'abort',
    () => {
      for (const id of inflight.keys()) evaluator.cancel(id);
    },
    { once: true },
  );

  while (!stopped()) {
    while (!stopped() && inflight.size < evaluator.size && evaluated + inflight.size < budget) {
      start(pending.shift() ?? strategy.ask());
    }
    if (!inflight.size) break;
    await Promise.race(inflight.values());
  }
  await Promise.all(inflight.values());
  await pruning;

  if (stopped()) {
    emit({
      type: 'run-finished',
      reason: 'stopped',
      message: `stopped after ${evaluated} of ${budget} candidates`,
      time: now().toISOString(),
    });
    return summary('stopped');
  }

  // ---- the front, re-trained on the whole training set and measured on the test set ----------
  if (o.finalRetrain ?? true) {
    const ids = archive.frontIds();
    emit({
      type: 'log',
      level: 'info',
      message: `re-training the ${ids.length} front members on the whole training set and measuring test accuracy`,
    });
    const { subset: _subset, ...full } = config.dataset.spec as typeof config.dataset.spec & {
      subset?: number;
    };
    await Promise.all(
      ids.map(async (id) => {
        const c = candidates.get(id);
        if (!c) return;
        const graph = graphOfModelText(c.model);
        if (!graph) return;
        const r = await evaluator.train({
          id,
          graph,
          dataset: { ...config.dataset, spec: full },
          baseDir: o.baseDir,
          train: config.train,
          seed: config.strategy.seed * 100_003 + id,
          test: true,
          saveTo: store.weightsDir(id),
        });
        if (r.status === 'trained' && r.testAccuracy !== undefined) {
          const updated: CandidateSummary = { ...c, testError: 1 - r.testAccuracy };
          candidates.set(id, updated);
          emit({ type: 'candidate-finished', candidate: updated, time: now().toISOString() });
        }
      }),
    );
    store.writeFront(archive.frontIds().map((id) => candidates.get(id)));
  }
  emit({ type: 'run-finished', reason: 'done', time: now().toISOString() });
  return summary('done');

  function summary(reason: RunSummary['reason']): RunSummary {
    const feasibleTrained = [...candidates.values()].filter(
      (c) => c.status === 'trained' && c.feasible,
    ).length;
    return {
      reason,
      evaluated,
      front: archive.frontIds().map((id) => candidates.get(id)!),
      hypervolume: archive.hypervolume(),
      screenedOut: strategy.stats().screenedOut,
      feasibleTrained,
    };
  }
}

function toResult(c: CandidateSummary): EvaluationResult {
  if (c.status === 'trained' && c.error !== undefined)
    return { status: 'trained', error: c.error, resources: c.resources };
  if (c.status === 'failed') return { status: 'failed', ...(c.failure ? { reason: c.failure } : {}) };
  return { status: 'rejected' };
}
