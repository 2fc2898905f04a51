import type { CandidateSummary, Metric } from '../../protocol/src/run-events.js';
import type { AppendLog } from '../../protocol/src/append-log.js';
import type { CandidateFilter, RunState, Sort, SortKey } from './store.js';

export { kneeIds, kneeOf, plotPoint, staircase, type XY } from '../../protocol/src/front-knees.js';

/** Pure derivations from the state, memoised by the views on the identities they read. */

export interface Progress {
  readonly done: number;
  readonly budget: number;
  /** Candidates per hour, from the run's start to the latest finished candidate. */
  readonly rate?: number;
  /** Time left at that rate (or until the run's time budget ends, if sooner), in ms. */
  readonly eta?: number;
}

export function progress(run: RunState): Progress {
  const done = run.candidates.length;
  const budget = run.info?.budget ?? 0;
  const elapsed = run.info && run.lastFinished !== undefined ? run.lastFinished - run.info.started : 0;
  if (done === 0 || elapsed <= 0) return { done, budget };
  const rate = done / (elapsed / 3_600_000);
  const byRate = (Math.max(0, budget - done) / rate) * 3_600_000;
  const deadline = run.info?.deadline;
  const byTime = deadline === undefined ? Infinity : Math.max(0, deadline - (run.lastFinished ?? 0));
  return run.finished ? { done, budget, rate } : { done, budget, rate, eta: Math.min(byRate, byTime) };
}

const STATUS_ORDER: Readonly<Record<CandidateSummary['status'], number>> = {
  trained: 0,
  training: 1,
  proposed: 2,
  failed: 3,
  rejected: 4,
};

function sortValue(c: CandidateSummary, key: SortKey): number | undefined {
  switch (key) {
    case 'id':
      return c.id;
    case 'status':
      return STATUS_ORDER[c.status] ?? 5;
    case 'error':
      return c.error;
    case 'feasible':
      return c.feasible ? 0 : 1;
    default:
      return c.resources[key];
  }
}

/**
 * Whether a candidate passes the panel's filter: `feasible` = trained within every hard limit;
 * `full` = trained at full fidelity (not stopped at a cheap rung of successive halving); `final` =
 * re-trained in the final phase and measured on the test set.
 */
export function passesFilter(c: CandidateSummary, filter: CandidateFilter | undefined): boolean {
  switch (filter ?? 'all') {
    case 'all':
      return true;
    case 'feasible':
      return c.status === 'trained' && c.feasible;
    case 'full':
      return c.status === 'trained' && c.fidelity !== 'low';
    case 'final':
      return c.testError !== undefined;
  }
}

/**
 * Positions into the candidate log in table order, of the candidates that pass `filter`. Missing
 * values (no error yet) sort last in both directions; ties by id. O(n log n) — the views call it
 * once per change of log, sort or filter.
 */
export function sortedOrder(
  log: AppendLog<CandidateSummary>,
  sort: Sort,
  filter?: CandidateFilter,
): number[] {
  const n = log.length;
  const keys = new Float64Array(n);
  const ids = new Float64Array(n);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = log.items[i] as CandidateSummary;
    const v = sortValue(c, sort.key);
    keys[i] = v === undefined || Number.isNaN(v) ? NaN : v;
    ids[i] = c.id;
    if (passesFilter(c, filter)) order.push(i);
  }
  const sign = sort.dir === 'asc' ? 1 : -1;
  order.sort((a, b) => {
    const ka = keys[a] as number;
    const kb = keys[b] as number;
    const ma = Number.isNaN(ka);
    const mb = Number.isNaN(kb);
    if (ma !== mb) return ma ? 1 : -1;
    if (!ma && ka !== kb) return (ka - kb) * sign;
    return ((ids[a] as number) - (ids[b] as number)) * (sort.key === 'id' ? sign : 1);
  });
  return order;
}

/** A candidate's value of an objective (error, or a resource); undefined before it is trained. */
export function objectiveValue(c: CandidateSummary, m: Metric): number | undefined {
  return m === 'error' ? c.error : c.resources[m];
}

export interface ParallelCoordinates {
  /** Per objective, the range of the shown candidates. */
  readonly ranges: readonly { readonly metric: Metric; readonly min: number; readonly max: number }[];
  /** Per candidate, each objective scaled to [0, 1] over its range (0 = best). */
  readonly lines: readonly { readonly id: number; readonly values: readonly number[] }[];
}

/** Parallel coordinates over `objectives` of the trained candidates among `cands`. */
export function parallelCoordinates(
  cands: readonly CandidateSummary[],
  objectives: readonly Metric[],
): ParallelCoordinates {
  const trained = cands.filter((c) => objectives.every((m) => objectiveValue(c, m) !== undefined));
  const ranges = objectives.map((metric) => {
    const vs = trained.map((c) => objectiveValue(c, metric)!);
    return { metric, min: vs.length ? Math.min(...vs) : 0, max: vs.length ? Math.max(...vs) : 0 };
  });
  const lines = trained.map((c) => ({
    id: c.id,
    values: ranges.map((r) =>
      r.max > r.min ? (objectiveValue(c, r.metric)! - r.min) / (r.max - r.min) : 0.5,
    ),
  }));
  return { ranges, lines };
}
