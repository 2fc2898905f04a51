import { describe, expect, it } from 'vitest';
import type { Resources } from '../../../../protocol/src/run-events.js';
import {
  dominates,
  hypervolume,
  nonDominated,
  ParetoArchive,
} from '../../../../server/src/engine/search/pareto.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';

/** Inclusion–exclusion over every subset: exact, exponential, fine for ≤ 10 points. */
function bruteForce(points: number[][], ref: number[]): number {
  const inside = points.filter((p) => p.every((x, i) => x < ref[i]!));
  let total = 0;
  for (let mask = 1; mask < 1 << inside.length; mask++) {
    const members = inside.filter((_, i) => mask & (1 << i));
    const corner = ref.map((_, d) => Math.max(...members.map((p) => p[d]!)));
    const vol = corner.reduce((v, c, d) => v * (ref[d]! - c), 1);
    total += (members.length % 2 ? 1 : -1) * vol;
  }
  return total;
}

describe('Pareto dominance', () => {
  it('finds the non-dominated points (equal points are both kept)', () => {
    expect(dominates([1, 2], [1, 3])).toBe(true);
    expect(dominates([1, 3], [1, 3])).toBe(false);
    expect(dominates([0, 4], [1, 3])).toBe(false);
    expect(
      nonDominated([
        [1, 3],
        [2, 2],
        [2, 3],
        [3, 1],
        [3, 1],
        [4, 4],
      ]),
    ).toEqual([0, 1, 3, 4]);
  });
});

describe('hypervolume', () => {
  it('2-D staircase by hand', () => {
    // Reference (4, 4): slabs 3·1 + 2·1 + 1·1.
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
    ).toBe(6);
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
          [3, 3],
        ],
        [4, 4],
      ),
    ).toBe(6);
    expect(hypervolume([], [4, 4])).toBe(0);
  });

  it('3-D by hand', () => {
    expect(hypervolume([[1, 1, 1]], [2, 2, 2])).toBe(1);
    // Two boxes of 2·1·1 that overlap in (1..2)^3: 2 + 2 − 1.
    expect(
      hypervolume(
        [
          [0, 1, 1],
          [1, 0, 1],
        ],
        [2, 2, 2],
      ),
    ).toBe(3);
    // Three unit-thick slabs of a 2×2×2 cube around the corner (1,1,1): 8 − 1 − … = 7 with the corner point.
    expect(
      hypervolume(
        [
          [0, 0, 1],
          [0, 1, 0],
          [1, 0, 0],
        ],
        [2, 2, 2],
      ),
    ).toBe(7);
  });

  it('clips points at or beyond the reference', () => {
    expect(
      hypervolume(
        [
          [1, 1],
          [0.5, 5],
        ],
        [2, 2],
      ),
    ).toBe(1);
    expect(hypervolume([[2, 0]], [2, 2])).toBe(0);
  });

  it('matches inclusion–exclusion on random sets in 3 to 6 dimensions', () => {
    const rng = new SerialisableRng(42);
    for (let t = 0; t < 60; t++) {
      const d = 3 + (t % 4);
      const n = 1 + rng.int(9);
      const points = Array.from({ length: n }, () =>
        Array.from({ length: d }, () => Math.round(rng.next() * 20) / 10),
      );
      const ref = Array.from({ length: d }, () => 2);
      expect(hypervolume(points, ref)).toBeCloseTo(bruteForce(points, ref), 9);
    }
  });

  it('is fast enough for a few hundred front points in 4 objectives', () => {
    const rng = new SerialisableRng(7);
    // Points on a sphere patch: all mutually non-dominated.
    const points = Array.from({ length: 300 }, () => {
      const v = Array.from({ length: 4 }, () => 0.1 + rng.next());
      const norm = Math.hypot(...v);
      return v.map((x) => 2 - (x / norm) * 1.5);
    });
    expect(nonDominated(points).length).toBe(300);
    const t = performance.now();
    const hv = hypervolume(points, [2, 2, 2, 2]);
    expect(performance.now() - t).toBeLessThan(5000);
    expect(hv).toBeGreaterThan(0);
    expect(hv).toBeLessThan(16);
  });
});

describe('ParetoArchive', () => {
  const r = (ram: number, flash: number): Resources => ({ ram, arena: ram, flash, macs: 1000, latency: 1 });

  it('keeps the feasible front, normalises by the bounds and measures against 2× them', () => {
    const a = new ParetoArchive(
      ['error', 'ram'],
      [
        { metric: 'ram', limit: 1000, mode: 'hard' },
        { metric: 'error', limit: 0.5, mode: 'soft' },
      ],
    );
    expect(a.add(1, 0.5, r(500, 1))).toBe(true); // (1, 0.5) normalised
    expect(a.hypervolume()).toBeCloseTo(1 * 1.5, 12);
    expect(a.add(2, 0.6, r(600, 1))).toBe(false); // dominated
    expect(a.add(3, 0.1, r(2000, 1))).toBe(false); // infeasible: over the hard ram limit
    expect(a.add(4, 0.25, r(900, 1))).toBe(true); // (0.5, 0.9)
    expect(a.frontIds()).toEqual([1, 4]);
    // Staircase against (2, 2): (2 − 0.5)·(2 − 0.9) + (2 − 1)·(0.9 − 0.5).
    expect(a.hypervolume()).toBeCloseTo(1.5 * 1.1 + 1 * 0.4, 12);
    expect(a.add(5, 0.2, r(400, 1))).toBe(true); // dominates both
    expect(a.frontIds()).toEqual([5]);
    expect(a.evaluated).toBe(5);
  });

  it('anchors an unbounded metric at its first feasible value, and restores from a snapshot', () => {
    const a = new ParetoArchive(['error', 'flash'], []);
    a.add(1, 0.4, r(1, 2000));
    a.add(2, 0.2, r(1, 3000));
    expect(a.normalisers()).toEqual([1, 2000]);
    const b = new ParetoArchive(['error', 'flash'], []);
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.hypervolume()).toBe(a.hypervolume());
    b.add(3, 0.1, r(1, 1000));
    a.add(3, 0.1, r(1, 1000));
    expect(b.snapshot()).toEqual(a.snapshot());
  });

  it('agrees with recomputing the front from scratch as results arrive', () => {
    const rng = new SerialisableRng(3);
    const a = new ParetoArchive(
      ['error', 'ram', 'flash'],
      [
        { metric: 'ram', limit: 800, mode: 'hard' },
        { metric: 'flash', limit: 1000, mode: 'soft' },
      ],
    );
    const seen: number[][] = [];
    for (let id = 1; id <= 300; id++) {
      const error = rng.next();
      const ram = Math.round(rng.next() * 1000);
      const flash = Math.round(rng.next() * 2000);
      a.add(id, error, r(ram, flash));
      if (ram <= 800) seen.push([error, ram / 800, flash / 1000]);
    }
    const front = nonDominated(seen).map((i) => seen[i]!);
    expect(a.front().length).toBe(front.length);
    expect(a.hypervolume()).toBeCloseTo(hypervolume(front, [2, 2, 2]), 9);
  });
});
