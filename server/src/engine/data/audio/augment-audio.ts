/**
 * Keyword-spotting augmentation on the waveform, as the Speech Commands trainer does it: a random
 * time shift (zero fill) and, with some probability, a random stretch of background noise at a
 * random volume. Silence samples are background noise alone.
 */
import type { Rng } from '../../rng/seeded-rng.js';

export interface AudioAugmentation {
  /** Maximum time shift in samples (±). */
  readonly shiftSamples: number;
  /** Probability of mixing in background noise. */
  readonly noise: number;
  /** Maximum noise volume (the volume is drawn uniformly in [0, volume]). */
  readonly volume: number;
  /** Augmented copies of each training clip, computed once and cached; an epoch draws one version per clip. */
  readonly copies: number;
}

export const NO_AUDIO_AUGMENTATION: AudioAugmentation = { shiftSamples: 0, noise: 0, volume: 0, copies: 0 };

/** Adds `volume` × a random stretch of a random noise clip into `out` (noise clips are at least as long). */
export function mixNoise(out: Float32Array, noise: readonly Float32Array[], volume: number, rng: Rng): void {
  if (noise.length === 0 || volume <= 0) return;
  const clip = noise[rng.int(noise.length)]!;
  const start = rng.int(clip.length - out.length + 1);
  for (let i = 0; i < out.length; i++) {
    const v = out[i]! + volume * clip[start + i]!;
    out[i] = v > 1 ? 1 : v < -1 ? -1 : v;
  }
}

/** A silence sample: noise at a volume drawn in [0, 1), or zeros without noise clips. */
export function silenceClip(length: number, noise: readonly Float32Array[], rng: Rng): Float32Array {
  const out = new Float32Array(length);
  mixNoise(out, noise, rng.next(), rng);
  return out;
}

/** One augmented version of `clip`. */
export function augmentClip(
  clip: Float32Array,
  a: AudioAugmentation,
  noise: readonly Float32Array[],
  rng: Rng,
): Float32Array {
  const out = new Float32Array(clip.length);
  const shift = a.shiftSamples > 0 ? rng.int(2 * a.shiftSamples + 1) - a.shiftSamples : 0;
  for (let i = 0; i < out.length; i++) {
    const j = i - shift;
    out[i] = j >= 0 && j < clip.length ? clip[j]! : 0;
  }
  if (a.noise > 0 && rng.next() < a.noise) mixNoise(out, noise, rng.next() * a.volume, rng);
  return out;
}
