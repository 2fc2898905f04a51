import type { CandidateSummary } from '../../protocol/src/run-events.js';
import type { AppendLog } from '../../protocol/src/append-log.js';
import type { ResourceAxis, RunState, Sort, SortKey } from './store.js';

/** Pure derivations from the state, memoised by the views on the identities they read. */

export interface Progress {
  readonly done: number;
  readonly budget: number;
  /** Candidates per hour, from the run's start to the latest finished candidate. */
  readonly rate?: number;
  /** Time left at that rate, in ms. */
  readonly eta?: number;
}

export function progress(run: RunState): Progress {
  const done = run.candidates.length;
  const budget = run.info?.budget ?? 0;
  const elapsed = run.info && run.lastFinished !== undefined ? run.lastFinished - run.info.started : 0;
  if (done === 0 || elapsed <= 0) return { done, budget };
  const rate = done / (elapsed / 3_600_000);
  return run.finished
    ? { done, budget, rate }
    : { done, budget, rate, eta: (Math.max(0, budget - done) / rate) * 3_600_000 };
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
 * Positions into the candidate log in table order. Missing values (no error yet) sort last in both
 * directions; ties by id. O(n log n) — the views call it once per change of log or sort.
 */
export function sortedOrder(log: AppendLog<CandidateSummary>, sort: Sort): number[] {
  const n = log.length;
  const keys = new Float64Array(n);
  const ids = new Float64Array(n);
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = log.items[i] as CandidateSummary;
    const v = sortValue(c, sort.key);
    keys[i] = v === undefined || Number.isNaN(v) ? NaN : v;
    ids[i] = c.id;
    order[i] = i;
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

export interface XY {
  readonly x: number;
  readonly y: number;
  readonly id: number;
}

/**
 * The minimisation staircase of `points`: those no other point beats on both x and y, ordered by x
 * (so y falls). O(k log k).
 */
export function staircase(points: readonly XY[]): XY[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y || a.id - b.id);
  const out: XY[] = [];
  let bestY = Infinity;
  for (const p of sorted) {
    if (p.y < bestY) {
      out.push(p);
      bestY = p.y;
    }
  }
  return out;
}

/** Plot coordinates of a candidate for the chosen resource, or none when it has no error. */
export function plotPoint(c: CandidateSummary, axis: ResourceAxis): XY | undefined {
  return c.error === undefined ? undefined : { x: c.resources[axis], y: c.error, id: c.id };
}
