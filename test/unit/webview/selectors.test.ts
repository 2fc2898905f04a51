import { describe, expect, it } from 'vitest';
import type { CandidateSummary } from '../../../protocol/src/run-events.js';
import { emptyKeyedLog, upsert } from '../../../protocol/src/append-log.js';
import { progress, sortedOrder, staircase } from '../../../webview/src/selectors.js';
import { candidateId, emptyRun, type RunState } from '../../../webview/src/store.js';

const cand = (
  id: number,
  error: number | undefined,
  ram: number,
  status: CandidateSummary['status'] = 'trained',
): CandidateSummary => ({
  id,
  origin: 'random',
  status,
  resources: { ram, arena: ram, flash: 1000, macs: 10, latency: 1 },
  ...(error !== undefined ? { error } : {}),
  feasible: true,
  violations: [],
  model: '',
  layers: [],
});

describe('selectors', () => {
  const log = [
    cand(3, 0.02, 500),
    cand(1, undefined, 900, 'failed'),
    cand(2, 0.01, 700),
    cand(0, 0.02, 100),
  ].reduce((l, c) => upsert(l, c, candidateId), emptyKeyedLog<CandidateSummary>());
  const ids = (order: number[]) => order.map((i) => (log.items[i] as CandidateSummary).id);

  it('sorts by a column, missing values last in both directions, ties by id', () => {
    expect(ids(sortedOrder(log, { key: 'id', dir: 'asc' }))).toEqual([0, 1, 2, 3]);
    expect(ids(sortedOrder(log, { key: 'id', dir: 'desc' }))).toEqual([3, 2, 1, 0]);
    expect(ids(sortedOrder(log, { key: 'error', dir: 'asc' }))).toEqual([2, 0, 3, 1]);
    expect(ids(sortedOrder(log, { key: 'error', dir: 'desc' }))).toEqual([0, 3, 2, 1]);
    expect(ids(sortedOrder(log, { key: 'ram', dir: 'desc' }))).toEqual([1, 2, 3, 0]);
    expect(ids(sortedOrder(log, { key: 'status', dir: 'asc' }))).toEqual([0, 2, 3, 1]);
  });

  it('finds the staircase of a point set', () => {
    const pts = [
      { x: 1, y: 0.5, id: 1 },
      { x: 2, y: 0.3, id: 2 },
      { x: 2.5, y: 0.4, id: 3 },
      { x: 3, y: 0.1, id: 4 },
      { x: 0.5, y: 0.9, id: 5 },
      { x: 3, y: 0.2, id: 6 },
    ];
    expect(staircase(pts).map((p) => p.id)).toEqual([5, 1, 2, 4]);
  });

  it('measures rate and ETA from the event times', () => {
    const run: RunState = {
      ...emptyRun(),
      info: {
        run: 'r',
        search: 's',
        budget: 10,
        objectives: [],
        constraints: [],
        backend: 'cpu',
        workers: 1,
        started: 0,
        resumed: false,
      },
      candidates: log,
      lastFinished: 3_600_000,
    };
    expect(progress(run)).toEqual({ done: 4, budget: 10, rate: 4, eta: 1.5 * 3_600_000 });
    expect(progress({ ...run, finished: { reason: 'done', time: 1 } })).toEqual({
      done: 4,
      budget: 10,
      rate: 4,
    });
    expect(progress(emptyRun())).toEqual({ done: 0, budget: 0 });
  });
});
