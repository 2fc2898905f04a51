import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../server/src/engine/rng/seeded-rng.js';
import { archFeatures } from '../../../../server/src/engine/search/bayesian/arch-features.js';
import { cholesky, solveLower, solveUpperT } from '../../../../server/src/engine/search/bayesian/cholesky.js';
import { thompsonSample } from '../../../../server/src/engine/search/bayesian/thompson-sample.js';
import { BayesianOptimisation } from '../../../../server/src/engine/search/bayesian-optimisation.js';
import { RandomSearch } from '../../../../server/src/engine/search/random-search.js';
import { sampleGenotype } from '../../../../server/src/engine/search/sample.js';
import type { SearchStrategy } from '../../../../server/src/engine/search/strategy.js';
import { SPACES, stubEvaluate, stubProfiler } from './fixtures.js';

describe('Cholesky', () => {
  it('factors a random SPD matrix and solves with it', () => {
    const r = mulberry32(1);
    const n = 12;
    const b = Array.from({ length: n * n }, () => r.next() - 0.5);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? 0.1 : 0;
        for (let k = 0; k < n; k++) s += b[i * n + k]! * b[j * n + k]!;
        a[i * n + j] = s;
      }
    const l = cholesky(a, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += l[i * n + k]! * l[j * n + k]!;
        expect(s).toBeCloseTo(a[i * n + j]!, 10);
        if (j > i) expect(l[i * n + j]).toBe(0);
      }
    const rhs = Array.from({ length: n }, (_, i) => i - 3);
    const x = solveUpperT(l, n, solveLower(l, n, rhs));
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * x[k]!;
      expect(s).toBeCloseTo(rhs[i]!, 8);
    }
  });
});

describe('Thompson samples of the GP', () => {
  const space = SPACES.mnist!;
  const rng = mulberry32(4);
  const gs = Array.from({ length: 30 }, () => sampleGenotype(space, rng));
  const xs = gs.map(archFeatures);
  const ys = gs.map((g) => (stubEvaluate(g) as { error: number }).error);

  it('interpolate the observations (on average over draws) and vary between draws', () => {
    const draws = Array.from({ length: 40 }, (_, s) => thompsonSample(xs, ys, mulberry32(100 + s)));
    const yMean = ys.reduce((a, b) => a + b) / ys.length;
    let fitErr = 0;
    let priorErr = 0;
    xs.forEach((x, i) => {
      const mean = draws.reduce((a, f) => a + f(x), 0) / draws.length;
      fitErr += (mean - ys[i]!) ** 2;
      priorErr += (yMean - ys[i]!) ** 2;
    });
    // The posterior explains most of the variance of what it was fitted on.
    expect(fitErr).toBeLessThan(priorErr * 0.3);
    expect(draws[0]!(xs[0]!)).not.toBe(draws[1]!(xs[0]!));
    // The same generator state gives the same function.
    expect(thompsonSample(xs, ys, mulberry32(7))(xs[3]!)).toBe(thompsonSample(xs, ys, mulberry32(7))(xs[3]!));
  });

  it('features tell layer types, sizes and topology apart', () => {
    const g = gs.find((x) => x.blocks[0]!.layers[0]!.type === 'conv2d')!;
    const base = archFeatures(g);
    const l0 = g.blocks[0]!.layers[0]! as Extract<(typeof g.blocks)[0]['layers'][0], { type: 'conv2d' }>;
    const wider = {
      ...g,
      blocks: [
        { ...g.blocks[0]!, layers: [{ ...l0, filters: l0.filters + 40 }, ...g.blocks[0]!.layers.slice(1)] },
        ...g.blocks.slice(1),
      ],
    };
    const dw = {
      ...g,
      blocks: [
        {
          ...g.blocks[0]!,
          layers: [
            {
              type: 'dwconv2d' as const,
              kernel: l0.kernel,
              stride: l0.stride,
              padding: l0.padding,
              prepool: l0.prepool,
              batchnorm: l0.batchnorm,
              relu: l0.relu,
            },
            ...g.blocks[0]!.layers.slice(1),
          ],
        },
        ...g.blocks.slice(1),
      ],
    };
    const branched = { ...g, blocks: [...g.blocks, { branch: true, layers: g.blocks[0]!.layers }] };
    expect(archFeatures(g)).toEqual(base);
    for (const other of [wider, dw, branched]) expect(archFeatures(other)).not.toEqual(base);
  });
});

describe('BayesianOptimisation', () => {
  const space = SPACES.mnist!;
  /** Mean stub error of the candidates proposed after the warm-up, one worker, error the only objective. */
  function meanError(s: SearchStrategy, budget: number, skip: number): number {
    const errors: number[] = [];
    for (let i = 0; i < budget; i++) {
      const p = s.ask();
      const r = stubEvaluate(p.genotype);
      s.tell(p.id, r);
      if (i >= skip && r.status === 'trained') errors.push(r.error);
    }
    return errors.reduce((a, b) => a + b) / errors.length;
  }

  it('finds lower error than random search on the same budget', () => {
    const opts = { space, seed: 3, objectives: ['error'] as const };
    const bo = meanError(new BayesianOptimisation({ ...opts, initial: 8 }), 40, 8);
    const random = meanError(new RandomSearch(opts), 40, 8);
    expect(bo).toBeLessThan(random);
  });

  it('proposes new architectures, never one already evaluated or in flight', () => {
    const s = new BayesianOptimisation({
      space,
      seed: 5,
      objectives: ['error', 'flash'],
      initial: 4,
      profiler: stubProfiler,
    });
    const seen = new Set<string>();
    for (let i = 0; i < 25; i++) {
      const p = s.ask();
      const key = JSON.stringify(p.genotype);
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      if (i > 4) expect(p.origin).toMatch(/^thompson: /);
      s.tell(p.id, stubEvaluate(p.genotype));
    }
  });

  it('refuses nonsense settings', () => {
    expect(() => new BayesianOptimisation({ space, seed: 1, objectives: ['error'], initial: 1 })).toThrow(
      /initial/,
    );
  });
});
