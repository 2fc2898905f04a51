import { describe, expect, it } from 'vitest';
import type { Resources } from '../../../../protocol/src/run-events.js';
import {
  boundOf,
  drawLambdas,
  excess,
  feasible,
  formatMetric,
  median,
  objectiveValues,
  resolveNormalisers,
  scalarise,
  violations,
  type Constraint,
} from '../../../../server/src/engine/search/objectives.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';

const res = (over: Partial<Resources> = {}): Resources => ({
  ram: 9318,
  arena: 10_000,
  flash: 12_000,
  macs: 2_100_000,
  latency: 61,
  ...over,
});

describe('scalarisation', () => {
  it('is −max_i min(m_i / b_i, 10) / λ_i', () => {
    // m/b = 0.5, 2, 20 → capped 10; λ = 0.5, 1, 0.25 → 1, 2, 40.
    expect(scalarise([5, 20, 200], [10, 10, 10], [0.5, 1, 0.25])).toBe(-40);
    expect(scalarise([5, 20], [10, 10], [0.5, 1])).toBe(-2);
    expect(scalarise([0.02, 3000], [0.035, 2500], [1, 1])).toBeCloseTo(-1.2, 12);
  });

  it('draws λ in (0, 1], fresh each time', () => {
    const rng = new SerialisableRng(1);
    const all = Array.from({ length: 1000 }, () => drawLambdas(4, rng)).flat();
    expect(all.every((l) => l > 0 && l <= 1)).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });

  it('normalises by the tightest bound, else by the population median, else by 1', () => {
    const cs: Constraint[] = [
      { metric: 'ram', limit: 8192, mode: 'hard' },
      { metric: 'ram', limit: 4096, mode: 'soft' },
      { metric: 'error', limit: 0.05, mode: 'soft' },
    ];
    expect(boundOf('ram', cs)).toBe(4096);
    expect(boundOf('flash', cs)).toBeUndefined();
    const population = [
      [0.1, 1000, 30],
      [0.2, 2000, 10],
      [0.3, 3000, 20],
      [0.4, 5000, 40],
    ];
    expect(resolveNormalisers(['error', 'ram', 'macs'], cs, population)).toEqual([0.05, 4096, 25]);
    expect(resolveNormalisers(['macs'], [], [])).toEqual([1]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeUndefined();
  });

  it('builds the objectives vector in the order asked', () => {
    expect(objectiveValues(['flash', 'error', 'latency'], 0.12, res())).toEqual([12_000, 0.12, 61]);
  });
});

describe('hard limits', () => {
  const cs: Constraint[] = [
    { metric: 'ram', limit: 8192, mode: 'hard' },
    { metric: 'flash', limit: 16 * 1024, mode: 'hard' },
    { metric: 'macs', limit: 2e6, mode: 'soft' },
    { metric: 'latency', limit: 50, mode: 'hard' },
    { metric: 'error', limit: 0.03, mode: 'hard' },
  ];

  it('lists the broken ones readably; soft limits and unknown errors are not violations', () => {
    expect(violations(res(), undefined, cs)).toEqual(['ram 9.1 KB > 8 KB', 'latency 61 ms > 50 ms']);
    expect(violations(res(), 0.042, cs)).toEqual([
      'ram 9.1 KB > 8 KB',
      'latency 61 ms > 50 ms',
      'error 4.2% > 3%',
    ]);
    expect(feasible(res(), undefined, cs)).toBe(false);
    expect(feasible(res({ ram: 8192, latency: 50 }), 0.03, cs)).toBe(true);
    expect(feasible(res({ ram: 8192, latency: 50 }), 0.031, cs)).toBe(false);
  });

  it('treats < as strict', () => {
    const strict: Constraint[] = [{ metric: 'ram', limit: 8192, mode: 'hard', strict: true }];
    expect(violations(res({ ram: 8192 }), undefined, strict)).toEqual(['ram 8 KB ≥ 8 KB']);
    expect(feasible(res({ ram: 8191 }), undefined, strict)).toBe(true);
  });

  it('measures how far past its limits a candidate is', () => {
    expect(excess(res(), undefined, cs)).toBeCloseTo(61 / 50, 12);
    expect(excess(res({ ram: 4096, flash: 4096, latency: 10 }), undefined, cs)).toBeCloseTo(0.5, 12);
  });

  it('formats values in the units people read', () => {
    expect(formatMetric('ram', 900)).toBe('900 B');
    expect(formatMetric('flash', 1.5 * 1024 * 1024)).toBe('1.5 MB');
    expect(formatMetric('macs', 384_000)).toBe('384 K');
    expect(formatMetric('macs', 2_664_768)).toBe('2.66 M');
    expect(formatMetric('latency', 0.25)).toBe('250 µs');
    expect(formatMetric('error', 0.035)).toBe('3.5%');
  });
});
