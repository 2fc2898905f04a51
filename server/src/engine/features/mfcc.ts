/**
 * The MFCC front end of keyword spotting, as μNAS computed it with `tf.signal` and as firmware
 * reproduces it (docs/export.md): frames of `window` samples every `stride` samples (no padding),
 * a periodic Hann window, the magnitude of a real FFT of the next power of two, a triangular mel
 * filterbank on the HTK mel scale (mel = 1127 ln(1 + f/700)) between `lowHz` and `highHz` that
 * ignores the DC bin, log(mel + 1e-6), and a DCT-II scaled by √(2/bands), keeping the first
 * `coefficients`. Output: frames × coefficients, row-major (the network's H × W × 1 input).
 */
import FFT from 'fft.js';

export interface MfccSettings {
  readonly sampleRate: number;
  /** Clip length in samples (1 s at 16 kHz). */
  readonly clipSamples: number;
  readonly windowSamples: number;
  readonly strideSamples: number;
  readonly coefficients: number;
  readonly melBands: number;
  readonly lowHz: number;
  readonly highHz: number;
}

/** μNAS's Speech Commands front end: 16 kHz, 1 s, 30 ms / 10 ms, 40 bands and coefficients, 20–4 000 Hz. */
export const MFCC_DEFAULTS: MfccSettings = {
  sampleRate: 16000,
  clipSamples: 16000,
  windowSamples: 480,
  strideSamples: 160,
  coefficients: 40,
  melBands: 40,
  lowHz: 20,
  highHz: 4000,
};

export const LOG_FLOOR = 1e-6;

export const frameCount = (s: MfccSettings): number =>
  s.clipSamples < s.windowSamples ? 0 : 1 + Math.floor((s.clipSamples - s.windowSamples) / s.strideSamples);

/** The network input of an MFCC front end: frames × coefficients × 1. */
export const mfccInputShape = (s: MfccSettings): [number, number, number] => [
  frameCount(s),
  s.coefficients,
  1,
];

export const fftLength = (s: MfccSettings): number => 2 ** Math.ceil(Math.log2(Math.max(2, s.windowSamples)));

/** Why these settings cannot make an MFCC, or undefined when they can. */
export function mfccSettingsProblem(s: MfccSettings): string | undefined {
  const ints = [s.sampleRate, s.clipSamples, s.windowSamples, s.strideSamples, s.coefficients, s.melBands];
  if (!ints.every((v) => Number.isInteger(v) && v > 0)) return 'sizes must be positive whole numbers';
  if (s.windowSamples < 4) return 'the window must span at least 4 samples';
  if (s.windowSamples > s.clipSamples) return 'the window is longer than the clip';
  if (s.coefficients > s.melBands) return `${s.coefficients} coefficients need at least as many mel bands`;
  if (!(s.lowHz >= 0 && s.lowHz < s.highHz)) return 'the mel range needs 0 ≤ low < high';
  if (s.highHz > s.sampleRate / 2)
    return `the mel range ends above the Nyquist frequency (${s.sampleRate / 2} Hz)`;
  return undefined;
}

const hzToMel = (hz: number): number => 1127 * Math.log(1 + hz / 700);

/** Periodic Hann window of n samples (tf.signal.hann_window's default). */
export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/** Mel weights, bins × bands row-major (bins = fft/2 + 1; the DC row is zero), as tf.signal makes them. */
export function melMatrix(s: MfccSettings): Float64Array {
  const bins = fftLength(s) / 2 + 1;
  const bands = s.melBands;
  const m = new Float64Array(bins * bands);
  const lo = hzToMel(s.lowHz);
  const hi = hzToMel(s.highHz);
  const edge = (i: number) => lo + ((hi - lo) * i) / (bands + 1);
  const nyquist = s.sampleRate / 2;
  for (let k = 1; k < bins; k++) {
    const mel = hzToMel((nyquist * k) / (bins - 1));
    for (let b = 0; b < bands; b++) {
      const left = edge(b);
      const centre = edge(b + 1);
      const right = edge(b + 2);
      const w = Math.min((mel - left) / (centre - left), (right - mel) / (right - centre));
      if (w > 0) m[k * bands + b] = w;
    }
  }
  return m;
}

/** DCT-II rows for the kept coefficients, coefficients × bands, scaled as tf.signal.mfccs_from_log_mel_spectrograms. */
export function dctMatrix(coefficients: number, bands: number): Float64Array {
  const d = new Float64Array(coefficients * bands);
  const scale = Math.sqrt(2 / bands);
  for (let k = 0; k < coefficients; k++)
    for (let n = 0; n < bands; n++)
      d[k * bands + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * bands));
  return d;
}

export interface MfccFrontEnd {
  readonly settings: MfccSettings;
  readonly frames: number;
  /** MFCCs of one clip of exactly `clipSamples` samples, frames × coefficients. */
  compute(clip: Float32Array): Float32Array;
}

/** Builds the tables once; `compute` then reuses its buffers (not re-entrant, which JS never needs). */
export function createMfcc(settings: MfccSettings): MfccFrontEnd {
  const problem = mfccSettingsProblem(settings);
  if (problem) throw new RangeError(`MFCC settings: ${problem}`);
  const n = fftLength(settings);
  const bins = n / 2 + 1;
  const { windowSamples: win, strideSamples: stride, melBands: bands, coefficients } = settings;
  const frames = frameCount(settings);
  const window = hannWindow(win);
  const mel = melMatrix(settings);
  // Per band, the span of bins with non-zero weight, so the filterbank skips the zeros.
  const first = new Int32Array(bands).fill(bins);
  const last = new Int32Array(bands).fill(-1);
  for (let k = 0; k < bins; k++)
    for (let b = 0; b < bands; b++)
      if (mel[k * bands + b]! > 0) {
        first[b] = Math.min(first[b]!, k);
        last[b] = Math.max(last[b]!, k);
      }
  const dct = dctMatrix(coefficients, bands);
  const fft = new FFT(n);
  const input = new Array<number>(n).fill(0);
  const spectrum = fft.createComplexArray() as number[];
  const magnitude = new Float64Array(bins);
  const logMel = new Float64Array(bands);

  const compute = (clip: Float32Array): Float32Array => {
    if (clip.length !== settings.clipSamples)
      throw new RangeError(`a clip of ${clip.length} samples, expected ${settings.clipSamples}`);
    const out = new Float32Array(frames * coefficients);
    for (let f = 0; f < frames; f++) {
      const start = f * stride;
      for (let i = 0; i < win; i++) input[i] = clip[start + i]! * window[i]!;
      fft.realTransform(spectrum, input);
      for (let k = 0; k < bins; k++) {
        const re = spectrum[2 * k]!;
        const im = spectrum[2 * k + 1]!;
        magnitude[k] = Math.sqrt(re * re + im * im);
      }
      for (let b = 0; b < bands; b++) {
        let e = 0;
        for (let k = first[b]!; k <= last[b]!; k++) e += magnitude[k]! * mel[k * bands + b]!;
        logMel[b] = Math.log(e + LOG_FLOOR);
      }
      for (let c = 0; c < coefficients; c++) {
        let v = 0;
        for (let b = 0; b < bands; b++) v += dct[c * bands + b]! * logMel[b]!;
        out[f * coefficients + c] = v;
      }
    }
    return out;
  };
  return { settings, frames, compute };
}
