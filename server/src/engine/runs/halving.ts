import type { CandidateSummary } from '../../../../protocol/src/run-events.js';
import type { HalvingConfig } from '../config/search-config.js';
import type { EpochReport } from '../training/trainer.js';
import type { TrainJob, WireResult } from '../training/worker-protocol.js';
import type { Evaluator } from './evaluator.js';
import { continuedJob } from './inheritance-plan.js';

/** How long and on how many images one rung trains (`subset` absent = the dataset's own). */
export interface Rung {
  readonly epochs: number;
  readonly subset?: number;
}

/**
 * The rungs of asynchronous successive halving (ASHA, Li et al. 2020): rung 0 is the cheap
 * training the search asked for, each later rung grows it by η = 1/keep (epochs and images, capped
 * at the full training), and the last rung is the full training itself.
 */
export function rungPlan(h: HalvingConfig, full: Rung): Rung[] {
  const count = Math.max(2, h.rungs ?? 2);
  const eta = 1 / h.keep;
  const cap = (x: number, limit: number | undefined) => Math.round(Math.min(x, limit ?? Infinity));
  const rungs: Rung[] = [];
  for (let k = 0; k < count - 1; k++) {
    const grow = eta ** k;
    const subset = h.subset ? cap(h.subset * grow, full.subset) : full.subset;
    rungs.push({
      epochs: Math.max(1, cap(h.epochs * grow, full.epochs)),
      ...(subset !== undefined ? { subset } : {}),
    });
  }
  rungs.push(full);
  return rungs;
}

/**
 * ASHA's promotion rule, asynchronous: a result at rung k moves up as soon as it is within the best
 * `keep` fraction of the results recorded at rung k so far — no waiting for a full bracket, so
 * every worker stays busy. Pure state plus a `restore` from journalled candidates (resume).
 */
export class PromotionLadder {
  private readonly recorded: number[][];
  constructor(
    readonly rungs: number,
    private readonly keep: number,
  ) {
    this.recorded = Array.from({ length: rungs - 1 }, () => []);
  }

  /** Records an error at rung `k` (not the last) and says whether the candidate moves up. */
  promote(k: number, error: number): boolean {
    const list = this.recorded[k]!;
    list.push(error);
    const sorted = [...list].sort((a, b) => a - b);
    return error <= sorted[Math.max(1, Math.floor(this.keep * sorted.length)) - 1]!;
  }

  /** Re-records the rung errors of candidates read back from the journal. */
  restore(candidates: Iterable<CandidateSummary>): void {
    for (const c of candidates) {
      const errors = rungErrorsOf(c);
      for (let k = 0; k < Math.min(errors.length, this.rungs - 1); k++) this.recorded[k]!.push(errors[k]!);
    }
  }

  /** Errors recorded per rung (for tests and the study). */
  counts(): number[] {
    return this.recorded.map((l) => l.length);
  }
}

/** A candidate's errors per rung it trained at (journals from two-rung runs only have the first). */
export function rungErrorsOf(c: CandidateSummary): readonly number[] {
  // Read back from a journal (untrusted): only finite numbers count.
  const errors: unknown = c.rungErrors ?? (c.lowFidelityError !== undefined ? [c.lowFidelityError] : []);
  return Array.isArray(errors) ? errors.filter((e): e is number => Number.isFinite(e)) : [];
}

export type HalvingExtra = Partial<Pick<CandidateSummary, 'fidelity' | 'lowFidelityError' | 'rungErrors'>>;

/** The job of one rung: its epochs, and a stratified subset no larger than the dataset's own. */
export function jobAtRung(job: TrainJob, rung: Rung): TrainJob {
  const spec = job.dataset.spec as typeof job.dataset.spec & { subset?: number };
  const { subset: _drop, ...rest } = spec;
  return {
    ...job,
    // An inherited child's short training caps every rung.
    train: { ...job.train, epochs: Math.min(rung.epochs, job.train.epochs) },
    dataset: { ...job.dataset, spec: { ...rest, ...(rung.subset ? { subset: rung.subset } : {}) } },
  };
}

/**
 * Trains a candidate up the rungs until it is not promoted, fails, or completes the full training.
 * A promoted candidate resumes from the weights its previous rung saved (ASHA's promotion continues
 * training rather than restarting it): a rung costs what it did from scratch, and the error at the
 * top describes a network trained through every rung, closer to the final phase's long training.
 * Without saved weights (none kept, or pruning, whose saved network is the smaller one) a rung
 * trains from scratch.
 */
export async function trainThroughRungs(
  evaluator: Evaluator,
  job: TrainJob,
  rungs: readonly Rung[],
  ladder: PromotionLadder,
  onEpoch: (r: EpochReport) => void,
): Promise<{ result: WireResult; extra: HalvingExtra }> {
  const errors: number[] = [];
  let resumeFrom: string | undefined;
  for (let k = 0; ; k++) {
    const last = k === rungs.length - 1;
    const rungJob = last ? job : jobAtRung(job, rungs[k]!);
    const result = await evaluator.train(resumeFrom ? continuedJob(rungJob, resumeFrom) : rungJob, onEpoch);
    if (result.status !== 'trained') return { result, extra: errors.length ? extraOf(errors, 'low') : {} };
    errors.push(1 - result.accuracy);
    if (last) return { result, extra: extraOf(errors, 'full') };
    if (!ladder.promote(k, errors[k]!)) return { result, extra: extraOf(errors, 'low') };
    resumeFrom = result.saved !== undefined && !job.pruning ? result.saved : undefined;
  }
}

function extraOf(errors: readonly number[], fidelity: 'low' | 'full'): HalvingExtra {
  return { fidelity, lowFidelityError: errors[0]!, rungErrors: [...errors] };
}
