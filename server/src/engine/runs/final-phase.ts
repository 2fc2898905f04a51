import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kneeIds, type ResourceMetric } from '../../../../protocol/src/front-knees.js';
import type { CandidateSummary, RunEvent } from '../../../../protocol/src/run-events.js';
import type { SearchConfig } from '../config/search-config.js';
import type { TrainJob } from '../training/worker-protocol.js';
import type { Evaluator } from './evaluator.js';
import { continuedJob } from './inheritance-plan.js';
import { graphOfModelText } from '../search/model-text.js';
import { topologyKey } from '../arch/topology.js';

/**
 * The front members the final phase re-trains, best validation accuracy first: the `top` best, and
 * with `knees` the knee of the front in each of `resources` (error against that resource). With
 * `within`, only the members it accepts when there are any: a member over a soft resource limit
 * (μNAS's bounds are soft) is not what the user asked for, and may take hours to re-train. With
 * `topology`, the `top` best are the best of distinct keys (undefined: a key of its own): the
 * phase's hours go to different networks, not to near-twins that one morphism separates.
 */
export function finalSelection(
  all: readonly CandidateSummary[],
  top: number,
  knees?: readonly ResourceMetric[],
  within?: (c: CandidateSummary) => boolean,
  topology?: (c: CandidateSummary) => string | undefined,
): number[] {
  const accepted = within ? all.filter((c) => c.error !== undefined && within(c)) : [];
  const front = accepted.length ? accepted : all;
  const ranked = [...front]
    .filter((c) => c.error !== undefined)
    .sort((a, b) => a.error! - b.error! || a.id - b.id);
  const seen = new Set<string>();
  const best = topology
    ? ranked.filter((c) => {
        const key = topology(c);
        if (key === undefined) return true;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
    : ranked;
  const chosen = new Set([
    ...best.slice(0, Math.max(0, top)).map((c) => c.id),
    ...(knees ? kneeIds(front, knees) : []),
  ]);
  return ranked.filter((c) => chosen.has(c.id)).map((c) => c.id);
}

/**
 * The final re-training of a front member: `epochs` long, on the whole training set (no `subset`),
 * measured on the test set; undefined when its model text no longer parses. From scratch, or with
 * `warm` from the weights kept in `saveTo` (when they are there): the search's, until a final phase
 * or a re-training saves its own there. With `seconds`, the training stops within that much wall time
 * (its schedule shortened to the epochs that fit).
 */
export function finalJob(
  config: SearchConfig,
  c: CandidateSummary,
  epochs: number,
  baseDir: string,
  saveTo: string,
  warm = config.final?.warm ?? false,
  seconds?: number,
): TrainJob | undefined {
  const graph = graphOfModelText(c.model);
  if (!graph) return undefined;
  const { subset: _subset, ...spec } = config.dataset.spec as typeof config.dataset.spec & {
    subset?: number;
  };
  const job: TrainJob = {
    id: c.id,
    graph,
    dataset: { ...config.dataset, spec },
    baseDir,
    train: { ...config.train, epochs, ...(seconds !== undefined ? { seconds } : {}) },
    seed: config.strategy.seed * 100_003 + c.id,
    test: true,
    saveTo,
    model: c.model,
  };
  return warm && existsSync(join(saveTo, 'model.json')) ? continuedJob(job, saveTo) : job;
}

export interface FinalPhaseOptions {
  /** In the order to train them (see {@link finalSelection}). */
  readonly ids: readonly number[];
  readonly epochs: number;
  readonly evaluator: Evaluator;
  readonly lookup: (id: number) => CandidateSummary | undefined;
  /** The re-training job of a candidate (undefined: its model no longer parses; it is skipped). */
  readonly job: (c: CandidateSummary) => TrainJob | undefined;
  readonly emit: (e: RunEvent) => void;
  readonly now: () => Date;
  readonly stopped: () => boolean;
  /** A measured candidate (its summary with the test error). */
  readonly onMeasured: (c: CandidateSummary) => void;
}

/**
 * Re-trains the selected front members on every worker at once — one lane per evaluator slot,
 * each taking the next member in order — and measures them on the test set. Members measured by an
 * earlier session (resume) are skipped. Returns how many are measured in total.
 */
export async function runFinalPhase(o: FinalPhaseOptions): Promise<number> {
  const time = () => o.now().toISOString();
  o.emit({ type: 'final-started', ids: [...o.ids], epochs: o.epochs, time: time() });
  const queue = o.ids.filter((id) => o.lookup(id)?.testError === undefined);
  let measured = o.ids.length - queue.length;
  const lane = async (worker: number): Promise<void> => {
    for (let id = queue.shift(); id !== undefined && !o.stopped(); id = queue.shift()) {
      const c = o.lookup(id);
      const job = c && o.job(c);
      if (!c || !job) continue;
      o.emit({ type: 'candidate-started', id, worker, time: time() });
      const r = await o.evaluator.train(job, (e) =>
        o.emit({ type: 'epoch', id, epoch: e.epoch, epochs: e.epochs, loss: e.loss, accuracy: e.accuracy }),
      );
      if (r.status === 'trained' && r.testAccuracy !== undefined) {
        const updated: CandidateSummary = { ...c, testError: 1 - r.testAccuracy, finalError: 1 - r.accuracy };
        measured++;
        o.onMeasured(updated);
        o.emit({ type: 'candidate-finished', candidate: updated, time: time() });
      } else if (r.status === 'failed') {
        o.emit({ type: 'log', level: 'warning', message: `final re-training of #${id} failed: ${r.reason}` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.evaluator.size) }, (_, w) => lane(w)));
  return measured;
}

/** A member's topology key (see {@link topologyKey}); undefined when its model text no longer parses. */
export function memberTopology(c: CandidateSummary): string | undefined {
  const g = graphOfModelText(c.model);
  return g && topologyKey(g);
}

/**
 * Each member's share of a final phase bounded to `time` seconds: `members` trainings on `workers`
 * lanes run in ⌈members / workers⌉ waves, each wave gets an equal part.
 */
export function finalShare(time: number, members: number, workers: number): number {
  return time / Math.max(1, Math.ceil(members / Math.max(1, workers)));
}
