import { describe, expect, it } from 'vitest';
import {
  drawTransform,
  IDENTITY_TRANSFORM,
  renderSample,
  type SampleTransform,
} from '../../../../server/src/engine/data/augment.js';
import type { InputShape } from '../../../../server/src/engine/data/dataset.js';
import { normalisationTable } from '../../../../server/src/engine/data/normalisation.js';
import { mulberry32 } from '../../../../server/src/engine/rng/seeded-rng.js';

const SHAPE: InputShape = [5, 6, 2];
const RAW = normalisationTable({ kind: 'raw' }, 2);
/** Distinct non-zero pixel values: (y, x, c) → 1 + (y·6 + x)·2 + c. */
const image = Uint8Array.from({ length: 60 }, (_, i) => 1 + i);
const at = (y: number, x: number, c: number): number => (y * 6 + x) * 2 + c;

function render(
  src: Uint8Array,
  t: Partial<SampleTransform>,
  interpolation: 'nearest' | 'bilinear' = 'bilinear',
): Float32Array {
  const out = new Float32Array(src.length);
  renderSample(src, 0, SHAPE, { ...IDENTITY_TRANSFORM, ...t }, interpolation, RAW, out, 0);
  return out;
}

describe('augmentation', () => {
  it('shifts move every pixel by (dx, dy) and fill with zero', () => {
    const out = render(image, { dx: 2, dy: -1 });
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < 6; x++)
        for (let c = 0; c < 2; c++) {
          const sy = y + 1;
          const sx = x - 2;
          const expected = sy < 5 && sx >= 0 ? image[at(sy, sx, c)]! : 0;
          expect(out[at(y, x, c)]).toBe(expected);
        }
  });

  it('a flip mirrors columns and is an involution', () => {
    const once = render(image, { flip: true });
    expect(once[at(2, 0, 1)]).toBe(image[at(2, 5, 1)]);
    const twice = render(Uint8Array.from(once), { flip: true });
    expect(Array.from(twice)).toEqual(Array.from(image));
  });

  it('rotation by 0 is the identity; a full turn is too, up to rounding', () => {
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      expect(Array.from(render(image, { angle: 0 }, interpolation))).toEqual(Array.from(image));
      const turned = render(image, { angle: 2 * Math.PI }, interpolation);
      turned.forEach((v, i) => expect(v).toBeCloseTo(image[i]!, 3));
    }
  });

  it('a quarter turn of a square image maps corners to corners', () => {
    const shape: InputShape = [3, 3, 1];
    const src = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = new Float32Array(9);
    renderSample(
      src,
      0,
      shape,
      { ...IDENTITY_TRANSFORM, angle: Math.PI / 2 },
      'nearest',
      normalisationTable({ kind: 'raw' }, 1),
      out,
      0,
    );
    expect(out[4]).toBe(5);
    expect(new Set(Array.from(out))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect([out[0], out[2], out[6], out[8]].sort()).toEqual([1, 3, 7, 9]);
  });

  it('draws shifts over the whole inclusive range and angles within bounds', () => {
    const rng = mulberry32(3);
    const shifts = new Set<number>();
    let flips = 0;
    for (let i = 0; i < 2000; i++) {
      const t = drawTransform({ shift: 2, rotation: 10, flip: true }, rng);
      shifts.add(t.dx).add(t.dy);
      expect(Math.abs(t.angle)).toBeLessThanOrEqual((10 * Math.PI) / 180);
      if (t.flip) flips++;
    }
    expect([...shifts].sort()).toEqual([-1, -2, 0, 1, 2]);
    expect(flips).toBeGreaterThan(900);
    expect(flips).toBeLessThan(1100);
  });
});
