import { describe, expect, it } from 'vitest';
import type { CandidateSummary } from '../../../protocol/src/run-events.js';
import { emptyKeyedLog, upsert } from '../../../protocol/src/append-log.js';
import {
  kneeIds,
  kneeOf,
  parallelCoordinates,
  passesFilter,
  sortedOrder,
} from '../../../webview/src/selectors.js';
import { candidateId, initialState, reduce, restoreUi, savedState } from '../../../webview/src/store.js';
import { compareRows } from '../../../webview/src/views/compare.js';

const cand = (id: number, error: number | undefined, ram: number, extra: Partial<CandidateSummary> = {}) =>
  ({
    id,
    origin: 'random',
    status: 'trained',
    resources: { ram, arena: ram, flash: 2 * ram, macs: 10 * ram, latency: 1 },
    ...(error !== undefined ? { error } : {}),
    feasible: true,
    violations: [],
    model: '',
    layers: [],
    ...extra,
  }) as CandidateSummary;

describe('choosing from a large front', () => {
  it('filters to feasible, full-fidelity and final-trained candidates', () => {
    const cs = [
      cand(0, 0.1, 100),
      cand(1, 0.2, 100, { feasible: false, violations: ['ram'] }),
      cand(2, 0.3, 100, { fidelity: 'low', lowFidelityError: 0.3 }),
      cand(3, 0.05, 100, { fidelity: 'full', testError: 0.06 }),
      cand(4, undefined, 100, { status: 'rejected', feasible: false }),
    ];
    const pick = (f: Parameters<typeof passesFilter>[1]) =>
      cs.filter((c) => passesFilter(c, f)).map((c) => c.id);
    expect(pick('all')).toEqual([0, 1, 2, 3, 4]);
    expect(pick('feasible')).toEqual([0, 2, 3]);
    expect(pick('full')).toEqual([0, 1, 3]);
    expect(pick('final')).toEqual([3]);
    const log = cs.reduce((l, c) => upsert(l, c, candidateId), emptyKeyedLog<CandidateSummary>());
    const order = sortedOrder(log, { key: 'error', dir: 'asc' }, 'feasible');
    expect(order.map((i) => log.items[i]!.id)).toEqual([3, 0, 2]);
  });

  it('finds the knee of a staircase: the point farthest below the chord of its ends', () => {
    // (100, 30%) … (800, 5%): the drop to 8% at 200 B is the cheap win; beyond it little is gained.
    const step = [
      { id: 1, x: 100, y: 0.3 },
      { id: 2, x: 200, y: 0.08 },
      { id: 3, x: 400, y: 0.06 },
      { id: 4, x: 800, y: 0.05 },
    ];
    expect(kneeOf(step)).toBe(2);
    // A straight trade-off has no knee; two points neither.
    expect(
      kneeOf([
        { id: 1, x: 0, y: 1 },
        { id: 2, x: 1, y: 0.5 },
        { id: 3, x: 2, y: 0 },
      ]),
    ).toBeUndefined();
    expect(kneeOf(step.slice(0, 2))).toBeUndefined();
    const front = step.map((p) => cand(p.id, p.y, p.x));
    expect(kneeIds(front, ['ram', 'flash'])).toEqual([2]);
  });

  it('scales every objective to [0, 1] over the shown candidates, best = 0', () => {
    const pc = parallelCoordinates(
      [cand(1, 0.1, 100), cand(2, 0.3, 300), cand(3, undefined, 50)],
      ['error', 'ram'],
    );
    expect(pc.ranges).toEqual([
      { metric: 'error', min: 0.1, max: 0.3 },
      { metric: 'ram', min: 100, max: 300 },
    ]);
    expect(pc.lines).toEqual([
      { id: 1, values: [0, 0] },
      { id: 2, values: [1, 1] },
    ]);
  });

  it('keeps the filter and the pinned candidate in the saved UI state', () => {
    let s = initialState();
    s = reduce(s, { type: 'ui/page', page: 3 });
    s = reduce(s, { type: 'ui/filter', filter: 'final' });
    expect(s.ui).toMatchObject({ filter: 'final', page: 0 });
    s = reduce(s, { type: 'ui/compare', id: 7 });
    expect(restoreUi(JSON.parse(JSON.stringify(savedState(s))))).toMatchObject({
      filter: 'final',
      compare: 7,
    });
    s = reduce(s, { type: 'ui/filter', filter: 'all' });
    s = reduce(s, { type: 'ui/compare', id: undefined });
    expect(s.ui.filter).toBeUndefined();
    expect(s.ui.compare).toBeUndefined();
    expect(restoreUi({ v: 1, ui: { filter: 'nonsense', compare: -1 } })).not.toHaveProperty('filter');
  });

  it('compares two candidates row by row, marking the better value', () => {
    const rows = compareRows(cand(1, 0.1, 300, { testError: 0.12 }), cand(2, 0.2, 100));
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(byLabel['Validation error']).toMatchObject({ a: '10.00%', b: '20.00%', better: 'a' });
    expect(byLabel['Test error']).toMatchObject({ a: '12.00%', b: '—', better: 'a' });
    expect(byLabel['Peak RAM']).toMatchObject({ better: 'b' });
    expect(byLabel['Latency']).toMatchObject({ better: '=' });
  });
});
