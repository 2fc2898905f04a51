import type { ResourceMetric } from '../../../../protocol/src/front-knees.js';
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
import { genotypeToModelText } from '../search/model-text.js';
import { formatSeconds } from '../language/units.js';
import { withinAllLimits, type Constraint } from '../search/objectives.js';
import { RandomSearch } from '../search/random-search.js';
import type { Proposal, SearchStrategy } from '../search/strategy.js';
import { BayesianOptimisation } from '../search/bayesian-optimisation.js';
import { prescreenGraph, prunedRecord, pruningSpecFor } from './pruned-candidate.js';
import type { EpochReport } from '../training/trainer.js';
import type { TrainJob, WireResult } from '../training/worker-protocol.js';
import { outcomeOf } from './candidate-outcome.js';
import type { Evaluator } from './evaluator.js';
import { finalJob, finalSelection, finalShare, memberTopology, runFinalPhase } from './final-phase.js';
import { FrontKeeper } from './front-keeper.js';
import { inheritedJob, populationOf, weightsInUse } from './inheritance-plan.js';
import { PromotionLadder, rungPlan, trainThroughRungs, type HalvingExtra } from './halving.js';
import { conventionOf, estimateOn, layerSummaries, resourcesOf } from './profiler.js';
import { replayRun, toResult } from './resume.js';
import type { LoadedRun, RunState, RunStore } from './run-store.js';

export type { Evaluator } from './evaluator.js';

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
  /** Calls `fn` after `ms` (the `time` budget's deadline); returns a cancel. Default: setTimeout. */
  readonly schedule?: (ms: number, fn: () => void) => () => void;
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
  // Pruning: the pre-screen prices the best the sparsity gene can reach (pruned-candidate.ts).
  const price = (g: Parameters<typeof estimateOn>[0]) =>
    resourcesOf(estimateOn(prescreenGraph(config.space, g), config.target, conventionOf(config)));
  const base = {
    baselines,
    space: config.space,
    seed: config.strategy.seed,
    objectives: config.objectives,
    constraints: constraintsOf(config),
    // The pre-screen: proposals over a hard resource limit are redrawn before anyone trains them.
    ...((options.prescreen ?? true) ? { profiler: price } : {}),
  };
  if (config.strategy.kind === 'bayesian')
    return new BayesianOptimisation({ ...base, initial: config.strategy.initial ?? 20, estimate: price });
  return config.strategy.kind === 'random'
    ? new RandomSearch(base)
    : new AgingEvolution({ ...base, population: config.strategy.population, sample: config.strategy.sample });
}

/**
 * Runs (or resumes) a search: keeps every evaluator slot busy, journals every result before it is
 * acted on, and snapshots the strategy after each one, so a kill loses at most the candidates in
 * training (they are proposed again, identically, on resume). Stops at `rounds` candidates or the
 * `time` budget, then re-trains the best front members in parallel (the final phase). Never throws
 * for a bad candidate. The policies live in their own modules: halving.ts, resume.ts,
 * front-keeper.ts, final-phase.ts.
 */
export async function runSearch(o: RunSearchOptions): Promise<RunSummary> {
  const { config, store, evaluator } = o;
  const now = o.now ?? (() => new Date());
  const budget = o.budget ?? config.strategy.rounds;
  const convention = conventionOf(config);
  const constraints = constraintsOf(config);
  const seeds = baselineGenotypes(config);
  const strategy = createStrategy(config, seeds.genotypes, { prescreen: o.prescreen ?? true });
  const emit = (e: RunEvent) => {
    store.append(e);
    o.onEvent?.(e);
  };
  const warn = (message: string) => emit({ type: 'log', level: 'warning', message });
  let candidates = new Map<number, CandidateSummary>();
  const front = new FrontKeeper(config.objectives, constraints, store, (id) => candidates.get(id), warn);

  const replayed = replayRun(o.resume, strategy, (c) => front.offer(c));
  candidates = replayed.candidates;
  const { told } = replayed;
  let evaluated = replayed.evaluated;
  const pending = replayed.pending;

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
  const startedAt = now().getTime();
  const timeBudget = config.strategy.time;
  const outOfTime = () =>
    timeBudget !== undefined && replayed.elapsedSeconds + (now().getTime() - startedAt) / 1000 >= timeBudget;
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
    convention,
    ...(timeBudget !== undefined
      ? {
          deadline: new Date(
            startedAt + Math.max(0, timeBudget - replayed.elapsedSeconds) * 1000,
          ).toISOString(),
        }
      : {}),
  });

  if (!o.resume) for (const w of seeds.warnings) warn(w);

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
    result: Exclude<WireResult, { status: 'cancelled' }> | { status: 'rejected' },
    resources: Resources,
    summaryBase: Omit<CandidateSummary, 'status' | 'feasible' | 'violations'>,
  ): void => {
    const {
      candidate: c,
      result: evalResult,
      evaluated: counts,
    } = outcomeOf(p, result, resources, summaryBase, constraints);
    if (counts) evaluated++;
    candidates.set(c.id, c);
    // Journal first, then learn from it: on resume the journal is the truth.
    emit({ type: 'candidate-finished', candidate: c, time: now().toISOString() });
    strategy.tell(p.id, evalResult);
    told.add(p.id);
    if (front.offer(c)) {
      emit({ type: 'front', ids: front.ids(), hypervolume: front.archive.hypervolume(), evaluated });
      front.writeFront();
    }
    // Weights are kept for the front, candidates still training and, with inheritance, possible parents.
    if (c.status === 'trained')
      front.pruneWeights(() =>
        weightsInUse(training.values(), config.inherit ? populationOf(strategy).keys() : undefined),
      );
    saveState();
  };

  // Successive halving (ASHA): the rungs and the promotion record, rebuilt from the journal on resume.
  const halving = config.strategy.halving;
  const spec = config.dataset.spec as typeof config.dataset.spec & { subset?: number };
  const rungs = halving
    ? rungPlan(halving, { epochs: config.train.epochs, ...(spec.subset ? { subset: spec.subset } : {}) })
    : undefined;
  const ladder = halving && rungs ? new PromotionLadder(rungs.length, halving.keep) : undefined;
  ladder?.restore(candidates.values());
  const train = async (
    job: TrainJob,
    onEpoch: (r: EpochReport) => void,
  ): Promise<{ result: WireResult; extra: HalvingExtra }> =>
    rungs && ladder
      ? trainThroughRungs(evaluator, job, rungs, ladder, onEpoch)
      : { result: await evaluator.train(job, onEpoch), extra: {} };

  const inflight = new Map<number, Promise<void>>();
  const training = new Map<number, Proposal>();
  const start = (p: Proposal): void => {
    // Killed between journalling a result and saving the snapshot, a resumed run proposes that
    // candidate again (identically): its result is in the journal already, so learn it from there.
    const known = candidates.get(p.id);
    if (known && !told.has(p.id)) {
      if (known.model !== genotypeToModelText(p.genotype, `candidate_${p.id}`))
        emit({
          type: 'log',
          level: 'warning',
          message: `candidate ${p.id} was proposed differently after the resume; its journalled result stands`,
        });
      strategy.tell(p.id, toResult(known));
      told.add(p.id);
      saveState();
      return;
    }
    const { graph } = genotypeToGraph(p.genotype);
    const est = estimateOn(graph, config.target, convention);
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
    const pruning = pruningSpecFor(config.space, p.genotype);
    const scratch: TrainJob = {
      id: p.id,
      graph,
      dataset: config.dataset,
      baseDir: o.baseDir,
      train: config.train,
      seed: config.strategy.seed * 100_003 + p.id,
      saveTo: store.weightsDir(p.id),
      model: base.model,
      ...(pruning ? { pruning } : {}),
    };
    const job = config.inherit
      ? inheritedJob(scratch, p, config.inherit.epochs, populationOf(strategy), (id) => store.weightsDir(id))
      : scratch;
    const from = job.inherit ? { inheritedFrom: p.parent! } : {};
    const onEpoch = (r: EpochReport) =>
      emit({ type: 'epoch', id: p.id, epoch: r.epoch, epochs: r.epochs, loss: r.loss, accuracy: r.accuracy });
    const run = train(job, onEpoch)
      .then(({ result, extra }) => {
        if (result.status === 'cancelled') return;
        // Pruned: the record describes what deploys (structured: the smaller network).
        const pruned =
          result.status === 'trained' && result.pruning
            ? prunedRecord(
                p.genotype,
                result.pruning,
                config.target,
                `candidate_${p.id}`,
                resources,
                convention,
              )
            : undefined;
        finish(p, result, pruned?.resources ?? resources, { ...base, ...from, ...extra, ...pruned });
      })
      .finally(() => {
        inflight.delete(p.id);
        training.delete(p.id);
      });
    inflight.set(p.id, run);
    training.set(p.id, p);
  };

  const stopped = () => o.signal?.aborted === true;
  o.signal?.addEventListener(
    'abort',
    () => {
      for (const id of inflight.keys()) evaluator.cancel(id);
    },
    { once: true },
  );

  // At the deadline the candidates still training are cancelled: they stay proposed (not told), and
  // the final phase starts on time.
  let timedOut = false;
  let cancelledAtDeadline = 0;
  const schedule =
    o.schedule ??
    ((ms: number, fn: () => void) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    });
  const unschedule =
    timeBudget === undefined
      ? undefined
      : schedule(
          Math.max(0, (timeBudget - replayed.elapsedSeconds) * 1000 - (now().getTime() - startedAt)),
          () => {
            timedOut = true;
            cancelledAtDeadline = inflight.size;
            for (const id of inflight.keys()) evaluator.cancel(id);
          },
        );
  while (!stopped()) {
    while (!stopped() && inflight.size < evaluator.size && evaluated + inflight.size < budget) {
      if (timedOut || outOfTime()) {
        timedOut = true;
        break;
      }
      const p = pending.shift() ?? strategy.ask();
      // The snapshot knows every proposal before its result can reach the journal: a kill between
      // journalling a result and the next snapshot never leaves the state older than the journal.
      saveState();
      start(p);
    }
    if (!inflight.size) break;
    await Promise.race(inflight.values());
  }
  await Promise.all(inflight.values());
  unschedule?.();
  await front.settled();

  if (stopped()) {
    emit({
      type: 'run-finished',
      reason: 'stopped',
      message: `stopped after ${evaluated} of ${budget} candidates`,
      time: now().toISOString(),
    });
    return summary('stopped');
  }
  if (timedOut)
    emit({
      type: 'log',
      level: 'info',
      message: `time budget of ${formatSeconds(timeBudget!)} reached after ${evaluated} candidates${cancelledAtDeadline ? ` (${cancelledAtDeadline} in training cancelled)` : ''}`,
    });

  // ---- the final phase: the best front members, re-trained on the whole training set ----------
  const finalConfig = config.final ?? { top: Number.MAX_SAFE_INTEGER, epochs: config.train.epochs };
  if ((o.finalRetrain ?? true) && (finalConfig.top > 0 || finalConfig.knees) && front.ids().length) {
    const resources = config.objectives.filter((m): m is ResourceMetric => m !== 'error');
    const resourceLimits = constraints.filter((k) => k.metric !== 'error');
    const ids = finalSelection(
      front.members(),
      finalConfig.top,
      finalConfig.knees ? resources : undefined,
      // Deployable first: every resource limit met, soft ones too (full training may still lower the error).
      (c) => withinAllLimits(c.resources, c.error, resourceLimits),
      finalConfig.distinct ? memberTopology : undefined,
    );
    const toTrain = ids.filter((id) => candidates.get(id)?.testError === undefined).length;
    const share =
      finalConfig.time !== undefined ? finalShare(finalConfig.time, toTrain, evaluator.size) : undefined;
    emit({
      type: 'log',
      level: 'info',
      message: `re-training ${ids.length} of the ${front.ids().length} front members (best validation accuracy first${finalConfig.distinct ? ', one per topology' : ''}, ${finalConfig.epochs} epochs${share !== undefined ? ` or as many as fit in ${formatSeconds(share)} each` : ''}, ${evaluator.size} at a time) on the whole training set and measuring test accuracy`,
    });
    await runFinalPhase({
      ids,
      epochs: finalConfig.epochs,
      evaluator,
      lookup: (id) => candidates.get(id),
      job: (c) =>
        finalJob(config, c, finalConfig.epochs, o.baseDir, store.weightsDir(c.id), undefined, share),
      emit,
      now,
      stopped,
      onMeasured: (c) => candidates.set(c.id, c),
    });
    front.writeFront();
    if (stopped()) {
      emit({
        type: 'run-finished',
        reason: 'stopped',
        message: 'stopped in the final phase',
        time: now().toISOString(),
      });
      return summary('stopped');
    }
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
      front: front.members(),
      hypervolume: front.archive.hypervolume(),
      screenedOut: strategy.stats().screenedOut,
      feasibleTrained,
    };
  }
}
