import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CandidateSummary, RunEvent } from '../../../protocol/src/run-events.js';
import { toArray } from '../../../protocol/src/append-log.js';
import {
  DEFAULT_UI,
  findCandidate,
  initialState,
  reduce,
  restoreUi,
  savedState,
  type PanelState,
} from '../../../webview/src/store.js';
import { generateRunStream } from '../../support/run-stream.js';

const fixture: RunEvent[] = readFileSync(join(__dirname, '../../fixtures/runs/mnist-300.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as RunEvent);

const fold = (
  events: readonly RunEvent[],
  state = reduce(initialState(), { type: 'reset', run: 'mnist-300', loading: true }),
): PanelState => events.reduce((s, e) => reduce(s, { type: 'events', events: [e] }), state);

describe('store', () => {
  it('folds the recorded run event by event', () => {
    const s = fold(fixture);
    const finished = fixture.flatMap((e) => (e.type === 'candidate-finished' ? [e.candidate] : []));
    const fronts = fixture.flatMap((e) => (e.type === 'front' ? [e] : []));
    expect(s.loading).toBe(false);
    expect(s.run.candidates.length).toBe(300);
    expect(s.run.counts).toEqual({
      trained: finished.filter((c) => c.status === 'trained').length,
      failed: finished.filter((c) => c.status === 'failed').length,
      rejected: finished.filter((c) => c.status === 'rejected').length,
      feasible: finished.filter((c) => c.feasible).length,
      infeasible: finished.filter((c) => !c.feasible).length,
    });
    expect(s.run.front).toEqual(fronts.at(-1)?.ids);
    expect(toArray(s.run.hypervolume).map((p) => p.value)).toEqual(fronts.map((f) => f.hypervolume));
    const best = Math.max(
      ...finished.filter((c) => c.feasible && c.error !== undefined).map((c) => 1 - (c.error as number)),
    );
    expect(toArray(s.run.bestAccuracy).at(-1)?.value).toBeCloseTo(best, 10);
    const accuracies = toArray(s.run.bestAccuracy).map((p) => p.value);
    expect(accuracies).toEqual([...accuracies].sort((a, b) => a - b));
    expect(s.run.training).toEqual([]);
    expect(s.run.finished?.reason).toBe('done');
    expect(findCandidate(s.run, 17)?.id).toBe(17);
  });

  it('tracks what is training, with its latest epoch', () => {
    const i = fixture.findIndex((e) => e.type === 'epoch');
    const epoch = fixture[i] as Extract<RunEvent, { type: 'epoch' }>;
    const s = fold(fixture.slice(0, i + 1));
    expect(s.run.training.find((t) => t.id === epoch.id)).toMatchObject({
      epoch: epoch.epoch,
      epochs: epoch.epochs,
      loss: epoch.loss,
    });
  });

  it('is pure: earlier states are unchanged, branches do not see each other', () => {
    const half = fold(fixture.slice(0, 700));
    const n = half.run.candidates.length;
    const ids = toArray(half.run.candidates).map((c) => c.id);
    const full = fold(fixture.slice(700), half);
    expect(half.run.candidates.length).toBe(n);
    expect(toArray(half.run.candidates).map((c) => c.id)).toEqual(ids);
    const later = fixture.slice(700).find((e) => e.type === 'candidate-finished') as Extract<
      RunEvent,
      { type: 'candidate-finished' }
    >;
    expect(findCandidate(half.run, later.candidate.id)).toBeUndefined();
    expect(findCandidate(full.run, later.candidate.id)).toBeDefined();

    // A branch from `half` with another candidate: neither sees the other's.
    const other: CandidateSummary = { ...later.candidate, id: 9999 };
    const branch = reduce(half, {
      type: 'events',
      events: [{ type: 'candidate-finished', candidate: other, time: '2025-06-02T12:00:00Z' }],
    });
    expect(findCandidate(branch.run, 9999)).toBeDefined();
    expect(findCandidate(branch.run, later.candidate.id)).toBeUndefined();
    expect(findCandidate(full.run, 9999)).toBeUndefined();
    expect(full.run.candidates.length).toBe(300);
  });

  it('replaces a candidate that finishes again (and recounts)', () => {
    const s = fold(fixture);
    const c = findCandidate(s.run, 0) as CandidateSummary;
    const again = reduce(s, {
      type: 'events',
      events: [
        {
          type: 'candidate-finished',
          candidate: { ...c, status: 'failed', error: undefined, failure: 'x' },
          time: '2025-06-03T00:00:00Z',
        },
      ],
    });
    expect(again.run.candidates.length).toBe(300);
    expect(findCandidate(again.run, 0)?.status).toBe('failed');
    expect(findCandidate(s.run, 0)?.status).toBe(c.status);
    expect(again.run.counts.failed).toBe(s.run.counts.failed + (c.status === 'failed' ? 0 : 1));
  });

  it('folds 5,000 candidates without copying what it has seen (one shared array)', () => {
    const events = generateRunStream({ candidates: 5000 });
    const first = events.findIndex((e) => e.type === 'candidate-finished');
    const early = fold(events.slice(0, first + 1));
    const s = fold(events.slice(first + 1), early);
    expect(s.run.candidates.length).toBe(5000);
    expect(s.run.candidates.items).toBe(early.run.candidates.items);
    expect(s.run.candidates.index).toBe(early.run.candidates.index);
    expect(early.run.candidates.length).toBe(1);
  });

  it('keeps the choices on a reset to the same run, drops selection and page for another', () => {
    let s = fold(fixture.slice(0, 400));
    s = reduce(s, { type: 'ui/select', id: 5 });
    s = reduce(s, { type: 'ui/axis', axis: 'flash' });
    s = reduce(s, { type: 'ui/page', page: 2 });
    const same = reduce(s, { type: 'reset', run: 'mnist-300', loading: true });
    expect(same.ui).toEqual(s.ui);
    expect(same.run.candidates.length).toBe(0);
    expect(same.loading).toBe(true);
    const other = reduce(s, { type: 'reset', run: 'cifar', loading: false });
    expect(other.ui).toEqual({ run: 'cifar', axis: 'flash', sort: DEFAULT_UI.sort, page: 0 });
  });

  it('sorts: a new key ascending, the same key toggles, and goes back to the first page', () => {
    let s = reduce(initialState(), { type: 'ui/page', page: 3 });
    s = reduce(s, { type: 'ui/sort', key: 'error' });
    expect(s.ui.sort).toEqual({ key: 'error', dir: 'asc' });
    expect(s.ui.page).toBe(0);
    s = reduce(s, { type: 'ui/sort', key: 'error' });
    expect(s.ui.sort).toEqual({ key: 'error', dir: 'desc' });
    s = reduce(s, { type: 'ui/sort', key: 'ram' });
    expect(s.ui.sort).toEqual({ key: 'ram', dir: 'asc' });
  });

  it('saves only the choices, as plain JSON, and restores them', () => {
    let s = fold(fixture);
    s = reduce(s, { type: 'ui/select', id: 42 });
    s = reduce(s, { type: 'ui/axis', axis: 'macs' });
    const saved = JSON.parse(JSON.stringify(savedState(s)));
    expect(JSON.stringify(saved).length).toBeLessThan(200);
    expect(initialState(saved).ui).toEqual(s.ui);
    expect(initialState(saved).run.candidates.length).toBe(0);
  });

  it('restores defaults from anything unexpected', () => {
    expect(restoreUi(undefined)).toEqual(DEFAULT_UI);
    expect(restoreUi({ v: 2, ui: {} })).toEqual(DEFAULT_UI);
    expect(
      restoreUi({
        v: 1,
        ui: { axis: 'bogus', selected: -1, page: 1.5, sort: { key: 'x', dir: 'up' }, run: 7 },
      }),
    ).toEqual(DEFAULT_UI);
    expect(
      restoreUi({
        v: 1,
        ui: { axis: 'latency', selected: 3, page: 2, sort: { key: 'macs', dir: 'desc' }, run: 'r' },
      }),
    ).toEqual({
      run: 'r',
      selected: 3,
      axis: 'latency',
      page: 2,
      sort: { key: 'macs', dir: 'desc' },
    });
  });

  it('deselects', () => {
    const s = reduce(reduce(initialState(), { type: 'ui/select', id: 4 }), {
      type: 'ui/select',
      id: undefined,
    });
    expect('selected' in s.ui).toBe(false);
  });
});
