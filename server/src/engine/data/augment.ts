/**
 * Per-sample data augmentation (μNAS: small shifts, small rotations, horizontal flips), rendered
 * straight into the float batch buffer so no intermediate image is allocated. Each output pixel
 * is mapped back to a source position; positions outside the image read pixel value 0.
 */
import type { InputShape } from './dataset.js';
import type { Rng } from '../rng/seeded-rng.js';

export type Interpolation = 'nearest' | 'bilinear';

export interface Augmentation {
  /** Maximum shift in pixels; dx and dy are drawn uniformly from −shift…shift inclusive. */
  readonly shift?: number;
  /** Maximum rotation in degrees; the angle is drawn uniformly from [−rotation, rotation]. */
  readonly rotation?: number;
  /** Mirror left–right with probability 1/2. */
  readonly flip?: boolean;
  /** Resampling for rotations (default bilinear); pure shifts and flips are exact either way. */
  readonly interpolation?: Interpolation;
}

/** The μNAS settings: ±2 px and small rotations for (Fashion-)MNIST, flips for Fashion and CIFAR, ±4 px for CIFAR. */
export const AUGMENTATION_PRESETS = {
  mnist: { shift: 2, rotation: 10 },
  'fashion-mnist': { shift: 2, rotation: 10, flip: true },
  cifar10: { shift: 4, flip: true },
} as const satisfies Record<string, Augmentation>;

/** One sample's drawn transform: content moves right by dx, down by dy, rotates by angle, then mirrors. */
export interface SampleTransform {
  readonly dx: number;
  readonly dy: number;
  /** Radians. */
  readonly angle: number;
  readonly flip: boolean;
}

export const IDENTITY_TRANSFORM: SampleTransform = { dx: 0, dy: 0, angle: 0, flip: false };

export function drawTransform(augmentation: Augmentation, rng: Rng): SampleTransform {
  const shift = Math.max(0, Math.floor(augmentation.shift ?? 0));
  const rotation = Math.max(0, augmentation.rotation ?? 0);
  return {
    dx: shift > 0 ? rng.int(2 * shift + 1) - shift : 0,
    dy: shift > 0 ? rng.int(2 * shift + 1) - shift : 0,
    angle: rotation > 0 ? ((rng.next() * 2 - 1) * rotation * Math.PI) / 180 : 0,
    flip: augmentation.flip === true && rng.next() < 0.5,
  };
}

export const isActive = (a: Augmentation | undefined): boolean =>
  a !== undefined && ((a.shift ?? 0) >= 1 || (a.rotation ?? 0) > 0 || a.flip === true);

/**
 * Writes sample `src[srcOffset…]` (uint8 HWC), transformed by `t`, into `dst[dstOffset…]`,
 * mapping each pixel value v of channel c to `table[c * 256 + v]`.
 */
export function renderSample(
  src: Uint8Array,
  srcOffset: number,
  shape: InputShape,
  t: SampleTransform,
  interpolation: Interpolation,
  table: Float32Array,
  dst: Float32Array,
  dstOffset: number,
): void {
  const [h, w, ch] = shape;
  if (t.angle === 0) {
    // Integer shifts and flips: an exact pixel copy, row by row.
    for (let y = 0; y < h; y++) {
      const sy = y - t.dy;
      for (let x = 0; x < w; x++) {
        const sx = (t.flip ? w - 1 - x : x) - t.dx;
        const out = dstOffset + (y * w + x) * ch;
        const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
        const at = srcOffset + (sy * w + sx) * ch;
        for (let c = 0; c < ch; c++) dst[out + c] = table[c * 256 + (inside ? src[at + c]! : 0)]!;
      }
    }
    return;
  }
  // Rotations: nearest or bilinear resampling about the centre.
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const cos = Math.cos(t.angle);
  const sin = Math.sin(t.angle);
  for (let y = 0; y < h; y++) {
    const v = y - t.dy - cy;
    for (let x = 0; x < w; x++) {
      const u = (t.flip ? w - 1 - x : x) - t.dx - cx;
      // Inverse rotation: which source position lands on this output pixel.
      const fx = cos * u + sin * v + cx;
      const fy = -sin * u + cos * v + cy;
      const out = dstOffset + (y * w + x) * ch;
      if (interpolation === 'nearest') {
        const sx = Math.round(fx);
        const sy = Math.round(fy);
        const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
        const at = srcOffset + (sy * w + sx) * ch;
        for (let c = 0; c < ch; c++) dst[out + c] = table[c * 256 + (inside ? src[at + c]! : 0)]!;
        continue;
      }
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const ax = fx - x0;
      const ay = fy - y0;
      // Taps outside the image read pixel value 0 (offset −1 marks them).
      const inX0 = x0 >= 0 && x0 < w;
      const inX1 = x0 + 1 >= 0 && x0 + 1 < w;
      const inY0 = y0 >= 0 && y0 < h;
      const inY1 = y0 + 1 >= 0 && y0 + 1 < h;
      const base = srcOffset + (y0 * w + x0) * ch;
      const a00 = inY0 && inX0 ? base : -1;
      const a01 = inY0 && inX1 ? base + ch : -1;
      const a10 = inY1 && inX0 ? base + w * ch : -1;
      const a11 = inY1 && inX1 ? base + (w + 1) * ch : -1;
      const w00 = (1 - ax) * (1 - ay);
      const w01 = ax * (1 - ay);
      const w10 = (1 - ax) * ay;
      const w11 = ax * ay;
      for (let c = 0; c < ch; c++) {
        const row = c * 256;
        dst[out + c] =
          table[row + (a00 < 0 ? 0 : src[a00 + c]!)]! * w00 +
          table[row + (a01 < 0 ? 0 : src[a01 + c]!)]! * w01 +
          table[row + (a10 < 0 ? 0 : src[a10 + c]!)]! * w10 +
          table[row + (a11 < 0 ? 0 : src[a11 + c]!)]! * w11;
      }
    }
  }
}
