import {
  append,
  emptyKeyedLog,
  emptyLog,
  last,
  lookup,
  upsert,
  type AppendLog,
  type KeyedLog,
} from './append-log.js';
import type { CandidateSummary, RunEvent, WorkerSummary } from './run-events.js';

/**
 * The one fold of a run's events into its state: the panel's store, the runs view, `unas front`
 * and the exporter all read a run through it, so "evaluated", "the front" or "finished" mean the
 * same everywhere. Pure and O(1) amortised per event (append logs, small arrays for the front and
 * the training slots), so a run of thousands of candidates folds in linear time.
 */

const MAX_LOGS = 20;

/** What the run said when it started (its `run-started` event), the time in ms since the epoch. */
export interface RunInfo extends Omit<
  Extract<RunEvent, { type: 'run-started' }>,
  'type' | 'time' | 'deadline'
> {
  /** Start of the run, ms since the epoch. */
  readonly started: number;
  /** With a `time` budget: when the search stops starting candidates, ms since the epoch. */
  readonly deadline?: number;
}

/** A candidate being trained now. */
export interface TrainingSlot {
  readonly id: number;
  readonly worker: number;
  readonly started: number;
  readonly epoch: number;
  readonly epochs: number;
  readonly loss?: number;
  readonly accuracy?: number;
}

/** A point of a series over evaluations (the number of finished candidates). */
export interface SeriesPoint {
  readonly evaluated: number;
  readonly value: number;
}

export interface LogLine {
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
}

export interface StatusCounts {
  readonly trained: number;
  readonly failed: number;
  readonly rejected: number;
  readonly feasible: number;
  readonly infeasible: number;
}

export interface RunState {
  readonly info?: RunInfo;
  /** Finished candidates in the order they finished. */
  readonly candidates: KeyedLog<CandidateSummary>;
  readonly counts: StatusCounts;
  readonly training: readonly TrainingSlot[];
  /** The current Pareto front (as the engine reports it) and its hypervolume. */
  readonly front: readonly number[];
  readonly hypervolume: AppendLog<SeriesPoint>;
  /** Best validation accuracy of a feasible candidate: one point per improvement. */
  readonly bestAccuracy: AppendLog<SeriesPoint>;
  /** Time of the latest finished candidate, ms since the epoch. */
  readonly lastFinished?: number;
  readonly finished?: {
    readonly reason: 'done' | 'stopped' | 'failed';
    readonly message?: string;
    readonly time: number;
  };
  /** The latest warnings and errors (a few). */
  readonly logs: readonly LogLine[];
  /** Workers on the search's queue (`unas search --queue`), as last reported. */
  readonly workers?: readonly WorkerSummary[];
  /** The final phase, once it has begun: the front members it re-trains, best first. */
  readonly final?: { readonly ids: readonly number[]; readonly epochs: number };
}

export function emptyRun(): RunState {
  return {
    candidates: emptyKeyedLog(),
    counts: { trained: 0, failed: 0, rejected: 0, feasible: 0, infeasible: 0 },
    training: [],
    front: [],
    hypervolume: emptyLog(),
    bestAccuracy: emptyLog(),
    logs: [],
  };
}

export const candidateId = (c: CandidateSummary): number => c.id;

export function findCandidate(run: RunState, id: number | undefined): CandidateSummary | undefined {
  return id === undefined ? undefined : lookup(run.candidates, id, candidateId);
}

const time = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
};

/** Folds one event into the run: O(1) amortised, plus O(front) / O(workers) for the small arrays. */
export function foldEvent(run: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'run-started': {
      const { type: _type, time: at, deadline, ...said } = event;
      const info: RunInfo = {
        ...said,
        convention: said.convention ?? 'tflm',
        started: time(at),
        ...(deadline !== undefined ? { deadline: time(deadline) } : {}),
      };
      // A resumed run keeps what it has seen; a run that finished and resumes is live again.
      const { finished: _finished, ...rest } = run;
      return { ...rest, info };
    }
    case 'candidate-started': {
      const slot: TrainingSlot = {
        id: event.id,
        worker: event.worker,
        started: time(event.time),
        epoch: 0,
        epochs: 0,
      };
      return { ...run, training: [...run.training.filter((s) => s.id !== event.id), slot] };
    }
    case 'epoch': {
      const i = run.training.findIndex((s) => s.id === event.id);
      if (i < 0) return run;
      const training = run.training.slice();
      training[i] = {
        ...(training[i] as TrainingSlot),
        epoch: event.epoch,
        epochs: event.epochs,
        loss: event.loss,
        accuracy: event.accuracy,
      };
      return { ...run, training };
    }
    case 'candidate-finished': {
      const c = event.candidate;
      const previous = lookup(run.candidates, c.id, candidateId);
      const candidates = upsert(run.candidates, c, candidateId);
      const counts = previous ? recount(candidates) : addCount(run.counts, c);
      const training = run.training.some((s) => s.id === c.id)
        ? run.training.filter((s) => s.id !== c.id)
        : run.training;
      let bestAccuracy = run.bestAccuracy;
      if (c.status === 'trained' && c.feasible && c.error !== undefined) {
        const best = last(bestAccuracy);
        const accuracy = 1 - c.error;
        if (!best || accuracy > best.value)
          bestAccuracy = append(bestAccuracy, { evaluated: candidates.length, value: accuracy });
      }
      return { ...run, candidates, counts, training, bestAccuracy, lastFinished: time(event.time) };
    }
    case 'front': {
      const point = { evaluated: event.evaluated, value: event.hypervolume };
      const prev = last(run.hypervolume);
      const hypervolume =
        prev && prev.evaluated === point.evaluated && prev.value === point.value
          ? run.hypervolume
          : append(run.hypervolume, point);
      return { ...run, front: event.ids.slice(), hypervolume };
    }
    case 'final-started':
      return { ...run, final: { ids: event.ids.slice(), epochs: event.epochs } };
    case 'log':
      if (event.level === 'info') return run;
      return {
        ...run,
        logs: [...run.logs.slice(-(MAX_LOGS - 1)), { level: event.level, message: event.message }],
      };
    case 'workers':
      return { ...run, workers: event.workers };
    case 'run-finished':
      return {
        ...run,
        training: [],
        finished: {
          reason: event.reason,
          ...(event.message !== undefined ? { message: event.message } : {}),
          time: time(event.time),
        },
      };
  }
}

function addCount(counts: StatusCounts, c: CandidateSummary): StatusCounts {
  return {
    trained: counts.trained + (c.status === 'trained' ? 1 : 0),
    failed: counts.failed + (c.status === 'failed' ? 1 : 0),
    rejected: counts.rejected + (c.status === 'rejected' ? 1 : 0),
    feasible: counts.feasible + (c.feasible ? 1 : 0),
    infeasible: counts.infeasible + (c.feasible ? 0 : 1),
  };
}

function recount(log: KeyedLog<CandidateSummary>): StatusCounts {
  let counts = emptyRun().counts;
  for (let i = 0; i < log.length; i++) counts = addCount(counts, log.items[i] as CandidateSummary);
  return counts;
}

/** Folds a whole event list (a journal read from disk, a replay). */
export function foldRunEvents(events: readonly RunEvent[], from: RunState = emptyRun()): RunState {
  let run = from;
  for (const e of events) run = foldEvent(run, e);
  return run;
}

/** Candidates evaluated (trained or failed): what the budget counts. */
export function evaluatedCount(run: RunState): number {
  return run.counts.trained + run.counts.failed;
}

/** The latest hypervolume of the front (0 before the first front). */
export function latestHypervolume(run: RunState): number {
  return last(run.hypervolume)?.value ?? 0;
}

/** The members of the current front, in the front's order. */
export function frontCandidates(run: RunState): CandidateSummary[] {
  return run.front.flatMap((id) => {
    const c = findCandidate(run, id);
    return c ? [c] : [];
  });
}
