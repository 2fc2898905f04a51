import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../../../server/src/engine/arch/space.js';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { spaceBounds } from '../../../../server/src/engine/resources/space-bounds.js';
import { mulberry32, muNasSpace, sampleArch } from '../../../harness/random-archs.js';

const only = <T>(value: T) => [{ value, weight: 1 }];

describe('space bounds: a space of one architecture', () => {
  // 8×8×1 → exactly one block of one 3×3 conv with 2 filters, valid → 6×6×2 = 72 → no pool → flatten → dense 4 → dense 3.
  const space = muNasSpace({
    input: [8, 8, 1],
    classes: 3,
    blocks: { min: 1, max: 1 },
    layers: { min: 1, max: 1 },
    layer: {
      ...muNasSpace().layer,
      types: only('conv2d' as const),
      kernels: only(3),
      strides: only(1),
      channels: { min: 2, max: 2 },
      prepool: { probability: 0, size: 2 },
    },
    pool: only(null),
    dense: { min: 1, max: 1 },
    units: { min: 4, max: 4 },
  });
  it('min = max = the estimate of that architecture', () => {
    // unas: RAM max(72, 72 + 4, 4 + 3) = 76; flash 3·3·2 + 2 = 20, 72·4 + 4 = 292, 4·3 + 3 = 15 → 327;
    // MACs 6·6·2·9 = 648 + 288 + 12 = 948.
    const b = spaceBounds(space, { convention: 'unas' });
    expect(b.peakRam).toEqual({ min: 76, max: 76, exact: true });
    expect(b.flash).toEqual({ min: 327, max: 327, exact: true });
    expect(b.macs).toEqual({ min: 948, max: 948, exact: true });
    const arch = sampleArch(space, mulberry32(1));
    const e = estimate(arch, { convention: 'unas' });
    expect([e.totals.peakRam, e.totals.flash, e.totals.macs]).toEqual([76, 327, 948]);
  });
  it('in tflm the minimum RAM counts the input and the flatten copy', () => {
    // input 64 + 72 = 136; reshape 72 + 72 = 144; dense 76.
    expect(spaceBounds(space, { convention: 'tflm' }).peakRam.min).toBe(144);
  });
});

describe('space bounds: the smallest network is not the smallest of each field', () => {
  it('a stride-2 first layer beats a 1×1 conv for RAM', () => {
    // 16×16×1, channels 4..8, one block of one layer, kernels {1 (as 1×1), 3}, strides {1, 2}:
    // 1×1 conv keeps 16×16×4 = 1 024 B; 3×3 /2 gives 7×7×4 = 196 B; so the minimum is the strided conv
    // (input excluded): max(196, 196 + 10, 10 + 10) = 206.
    const space = muNasSpace({
      input: [16, 16, 1],
      classes: 10,
      blocks: { min: 1, max: 1 },
      layers: { min: 1, max: 1 },
      layer: {
        ...muNasSpace().layer,
        types: [
          { value: 'conv1x1', weight: 0.5 },
          { value: 'conv2d', weight: 0.5 },
        ],
        kernels: only(3),
        strides: [
          { value: 1, weight: 0.5 },
          { value: 2, weight: 0.5 },
        ],
        channels: { min: 4, max: 8 },
        prepool: { probability: 0, size: 2 },
      },
      pool: only(null),
      dense: { min: 1, max: 1 },
      units: { min: 10, max: 10 },
    });
    expect(spaceBounds(space, { convention: 'unas' }).peakRam.min).toBe(206);
  });

  it('more blocks can make a smaller model: flash is dominated by the first dense layer', () => {
    const one = muNasSpace({ input: [32, 32, 3], blocks: { min: 1, max: 1 } });
    const many = muNasSpace({ input: [32, 32, 3], blocks: { min: 1, max: 4 } });
    expect(spaceBounds(many, { convention: 'unas' }).flash.min).toBeLessThanOrEqual(
      spaceBounds(one, { convention: 'unas' }).flash.min,
    );
  });
});

describe('space bounds hold for sampled architectures', () => {
  const spaces: [string, SearchSpace][] = [
    ['CIFAR-like, no branches', muNasSpace({ input: [20, 20, 3] })],
    [
      'MNIST-like, same and valid padding',
      muNasSpace({
        input: [14, 14, 1],
        layer: {
          ...muNasSpace().layer,
          padding: [
            { value: 'valid', weight: 0.5 },
            { value: 'same', weight: 0.5 },
          ],
        },
      }),
    ],
    [
      'speech-like, non-square, with branches',
      muNasSpace({ input: [25, 10, 1], branch: 0.5, blocks: { min: 1, max: 5 } }),
    ],
    [
      'CIFAR-like, with branches, 2 classes',
      muNasSpace({ input: [16, 16, 3], branch: 0.7, classes: 2, blocks: { min: 2, max: 5 } }),
    ],
  ];
  it.each(spaces)('%s', (_, space) => {
    const rng = mulberry32(7);
    for (const convention of ['unas', 'tflm'] as const) {
      const b = spaceBounds(space, { convention });
      expect(b.peakRam.exact).toBe(space.branch === 0);
      for (let i = 0; i < 150; i++) {
        const e = estimate(sampleArch(space, rng), { convention });
        expect(e.totals.peakRam).toBeGreaterThanOrEqual(b.peakRam.min);
        expect(e.totals.flash).toBeGreaterThanOrEqual(b.flash.min);
        expect(e.totals.macs).toBeGreaterThanOrEqual(b.macs.min);
        if (b.peakRam.max !== null) expect(e.totals.peakRam).toBeLessThanOrEqual(b.peakRam.max);
        if (b.flash.max !== null) expect(e.totals.flash).toBeLessThanOrEqual(b.flash.max);
        if (b.macs.max !== null) expect(e.totals.macs).toBeLessThanOrEqual(b.macs.max);
      }
    }
  });
});
