/**
 * What the audio settings of a dataset mean once defaults apply: the MFCC front end and the
 * waveform augmentation. Shared by the validator, the estimates and the search resolution, so the
 * editor, `unas check` and a run see the same input shape.
 */
import { NO_AUDIO_AUGMENTATION, type AudioAugmentation } from '../data/audio/augment-audio.js';
import { MFCC_DEFAULTS, type MfccSettings } from '../features/mfcc.js';
import type { AugmentDecl, FeaturesDecl } from './ast.js';

/** Speech Commands' trainer defaults: noise on 80 % of clips at up to 10 % volume. */
const NOISE = 0.8;
const VOLUME = 0.1;
/** Versions of each training clip computed when augmentation is on and `copies` is not written. */
export const DEFAULT_COPIES = 4;

export function mfccSettingsOf(f: FeaturesDecl | undefined): MfccSettings {
  const rate = MFCC_DEFAULTS.sampleRate;
  const samples = (seconds: number | undefined, fallback: number) =>
    seconds === undefined ? fallback : Math.max(1, Math.round(seconds * rate));
  return {
    ...MFCC_DEFAULTS,
    windowSamples: samples(f?.window?.value, MFCC_DEFAULTS.windowSamples),
    strideSamples: samples(f?.stride?.value, MFCC_DEFAULTS.strideSamples),
    coefficients: f?.coefficients?.value ?? MFCC_DEFAULTS.coefficients,
    melBands: f?.bands?.value ?? MFCC_DEFAULTS.melBands,
    lowHz: f?.low?.value ?? MFCC_DEFAULTS.lowHz,
    highHz: f?.high?.value ?? MFCC_DEFAULTS.highHz,
  };
}

export function audioAugmentationOf(a: AugmentDecl | undefined): AudioAugmentation {
  if (!a) return NO_AUDIO_AUGMENTATION;
  const noiseWritten = a.noise !== undefined || a.volume !== undefined;
  const shiftSamples = Math.round((a.shiftTime?.value ?? 0) * MFCC_DEFAULTS.sampleRate);
  const noise = noiseWritten ? (a.noise?.value ?? NOISE) : 0;
  const volume = noiseWritten ? (a.volume?.value ?? VOLUME) : 0;
  const active = shiftSamples > 0 || (noise > 0 && volume > 0);
  return { shiftSamples, noise, volume, copies: a.copies?.value ?? (active ? DEFAULT_COPIES : 0) };
}
