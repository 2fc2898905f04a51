import { describe, expect, it } from 'vitest';
import { isShapeValid, type Genotype } from '../../../../server/src/engine/search/genotype.js';
import { spaceViolations } from '../../../../server/src/engine/search/in-space.js';
import { drawGenotype, sampleGenotype, shrinkToFit } from '../../../../server/src/engine/search/sample.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';
import { paperSpace, SPACES } from './fixtures.js';

const layersOf = (gs: readonly Genotype[]) => gs.flatMap((g) => g.blocks.flatMap((b) => b.layers));

describe('sampleGenotype', () => {
  it.each(Object.keys(SPACES))('draws shape-valid genotypes inside the %s space', (name) => {
    const space = SPACES[name]!;
    const rng = new SerialisableRng(11);
    for (let i = 0; i < 300; i++) {
      const g = sampleGenotype(space, rng);
      expect(spaceViolations(g, space)).toEqual([]);
      expect(isShapeValid(g)).toBe(true);
      expect(g.blocks[0]!.branch).toBe(false);
    }
  });

  it('covers both ends of every range (μNAS never drew the top)', () => {
    const space = SPACES.mnist!;
    const rng = new SerialisableRng(2);
    const gs = Array.from({ length: 3000 }, () => sampleGenotype(space, rng));
    const values = (xs: number[]) => [Math.min(...xs), Math.max(...xs)];
    expect(values(gs.map((g) => g.blocks.length))).toEqual([1, 10]);
    expect(values(gs.flatMap((g) => g.blocks.map((b) => b.layers.length)))).toEqual([1, 3]);
    expect(values(layersOf(gs).flatMap((l) => (l.type === 'dwconv2d' ? [] : [l.filters])))).toEqual([1, 128]);
    expect(values(gs.map((g) => g.dense.length))).toEqual([1, 3]);
    expect(values(gs.flatMap((g) => [...g.dense]))).toEqual([10, 256]);
    expect(new Set(layersOf(gs).flatMap((l) => (l.type === 'conv1x1' ? [] : [l.kernel])))).toEqual(
      new Set([3, 5, 7]),
    );
    expect(new Set(gs.map((g) => (g.pool ? `${g.pool.type}${g.pool.size}` : 'none'))).size).toBe(7);
  });

  it('draws each variable with the space’s weights and probabilities', () => {
    const rng = new SerialisableRng(9);
    // Raw draws: the per-variable distribution before the shape-validity filter.
    const gs = Array.from({ length: 3000 }, () => drawGenotype(SPACES.cifar!, rng));
    const layers = layersOf(gs);
    const rate = (xs: readonly boolean[]) => xs.filter(Boolean).length / xs.length;
    expect(rate(layers.map((l) => l.relu))).toBeCloseTo(0.9, 1);
    expect(rate(layers.map((l) => l.prepool))).toBeCloseTo(0.25, 1);
    expect(rate(layers.map((l) => l.batchnorm))).toBeCloseTo(0.5, 1);
    expect(rate(layers.map((l) => l.type === 'dwconv2d'))).toBeCloseTo(1 / 3, 1);
    expect(rate(gs.flatMap((g) => g.blocks.slice(1).map((b) => b.branch)))).toBeCloseTo(0.5, 1);
    expect(rate(gs.map((g) => g.pool === null))).toBeCloseTo(0.1, 1);
    expect(gs.every((g) => !g.blocks[0]!.branch)).toBe(true);
  });

  it('is a function of the seed', () => {
    const a = Array.from(
      { length: 20 },
      (
        (r) => () =>
          sampleGenotype(SPACES.kws!, r)
      )(new SerialisableRng(5)),
    );
    const b = Array.from(
      { length: 20 },
      (
        (r) => () =>
          sampleGenotype(SPACES.kws!, r)
      )(new SerialisableRng(5)),
    );
    expect(b).toEqual(a);
  });

  it('falls back to the gentlest spatial choices when every draw fails', () => {
    // 7×7 input, 4–8 blocks of conv2d only, kernel 3 | 5 and stride 2 | 3: almost no draw builds.
    const space = paperSpace([7, 7, 1], 3, {
      blocks: { min: 1, max: 8 },
      layers: { min: 2, max: 3 },
      branch: 0,
      layer: {
        ...paperSpace([7, 7, 1], 3).layer,
        types: [{ value: 'conv2d', weight: 1 }],
        kernels: [
          { value: 3, weight: 0.5 },
          { value: 5, weight: 0.5 },
        ],
        strides: [
          { value: 2, weight: 0.5 },
          { value: 3, weight: 0.5 },
        ],
      },
    });
    const rng = new SerialisableRng(1);
    for (let i = 0; i < 50; i++) {
      const g = sampleGenotype(space, rng, { maxTries: 1 });
      expect(isShapeValid(g)).toBe(true);
      expect(spaceViolations(g, space)).toEqual([]);
    }
    const shrunk = shrinkToFit(drawGenotype(space, new SerialisableRng(4)), space)!;
    expect(
      shrunk.blocks
        .flatMap((b) => b.layers)
        .every((l) => l.type === 'conv2d' && l.kernel === 3 && l.stride === 2),
    ).toBe(true);
  });

  it('throws with the reason when the space has no shape-valid architecture', () => {
    const space = paperSpace([2, 2, 1], 3, {
      layer: { ...paperSpace([2, 2, 1], 3).layer, types: [{ value: 'conv2d', weight: 1 }] },
    });
    expect(() => sampleGenotype(space, new SerialisableRng(1), { maxTries: 5 })).toThrow(
      /no shape-valid architecture for input 2x2x1/,
    );
  });
});
