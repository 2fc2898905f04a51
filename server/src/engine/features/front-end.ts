/**
 * What a keyword-spotting model needs in front of it on the device: the MFCC settings, and how
 * each MFCC coefficient becomes the uint8 code the network was trained on (code / 255 is the
 * float input). The exporter writes it next to the model (JSON and a C header); docs/export.md
 * shows how firmware reproduces it.
 */
import type { MfccSettings } from './mfcc.js';

export interface FeatureQuantization {
  /** Per coefficient: code = clamp(round((mfcc − offset) / scale), 0, 255). */
  readonly offset: readonly number[];
  readonly scale: readonly number[];
}

export interface FrontEnd {
  readonly kind: 'mfcc';
  readonly settings: MfccSettings;
  readonly frames: number;
  readonly quantization: FeatureQuantization;
  readonly classNames: readonly string[];
}

/** Quantizes one clip's MFCCs (frames × coefficients) into `out` at `at`. */
export function quantizeFeatures(
  mfcc: Float32Array,
  q: FeatureQuantization,
  out: Uint8Array,
  at: number,
): void {
  const k = q.offset.length;
  for (let i = 0; i < mfcc.length; i++) {
    const c = i % k;
    const code = Math.round((mfcc[i]! - q.offset[c]!) / q.scale[c]!);
    out[at + i] = code < 0 ? 0 : code > 255 ? 255 : code;
  }
}

/** Per-coefficient range of a set of MFCC clips, mapped onto 0…255. */
export function fitQuantization(clips: readonly Float32Array[], coefficients: number): FeatureQuantization {
  const lo = new Array<number>(coefficients).fill(Infinity);
  const hi = new Array<number>(coefficients).fill(-Infinity);
  for (const clip of clips)
    for (let i = 0; i < clip.length; i++) {
      const c = i % coefficients;
      const v = clip[i]!;
      if (v < lo[c]!) lo[c] = v;
      if (v > hi[c]!) hi[c] = v;
    }
  const offset = lo.map((v) => (Number.isFinite(v) ? v : 0));
  const scale = hi.map((v, c) => (Number.isFinite(v) && v > offset[c]! ? (v - offset[c]!) / 255 : 1));
  return { offset, scale };
}
