/**
 * What the MFCC front end costs on the microcontroller, beside the network's own figures. The model
 * is the straightforward single-precision implementation (CMSIS-DSP `arm_rfft_fast_f32` style) of
 * exactly what mfcc.ts computes, for one whole clip:
 * - RAM: the window of int16 samples, the FFT's input and output (float32 × fft each), the mel
 *   energies and one frame's coefficients (float32), plus the frames × coefficients uint8 feature
 *   map, which is the network's input tensor (the μNAS convention leaves the input out of the
 *   network's peak RAM, so it is counted here).
 * - Flash: the Hann window, the mel weights stored sparsely (non-zero weights as float32 plus a first
 *   bin and a count per band), the DCT rows, the real FFT's twiddle factors (2 × fft float32) and
 *   the per-coefficient quantization (offset, scale).
 * - MACs per clip: per frame, windowing (window), the real FFT (fft · log2(fft/2) for the half-size
 *   complex FFT, + 2 · fft to split it), magnitudes (2 per bin), the filterbank (its non-zero
 *   weights), the DCT (coefficients × bands); plus a square root per bin and a logarithm per band,
 *   counted apart as transcendental operations.
 * Streaming firmware computes only the newest frame per inference; the per-frame figures say that.
 */
import type { CoreModel } from '../resources/cores.js';
import { cyclesToMs } from '../resources/latency.js';
import { fftLength, frameCount, melMatrix, type MfccSettings } from './mfcc.js';

export interface FrontEndCost {
  readonly frames: number;
  readonly fftLength: number;
  readonly ram: { readonly total: number; readonly working: number; readonly features: number };
  readonly flash: {
    readonly total: number;
    readonly window: number;
    readonly mel: number;
    readonly dct: number;
    readonly twiddles: number;
    readonly quantization: number;
  };
  readonly macsPerFrame: number;
  readonly macs: number;
  /** Square roots and logarithms per clip. */
  readonly transcendentals: number;
}

const F32 = 4;

export function mfccCost(s: MfccSettings): FrontEndCost {
  const n = fftLength(s);
  const bins = n / 2 + 1;
  const frames = frameCount(s);
  const mel = melMatrix(s);
  let weights = 0;
  for (const w of mel) if (w > 0) weights++;
  const working = 2 * s.windowSamples + 2 * n * F32 + s.melBands * F32 + s.coefficients * F32;
  const features = frames * s.coefficients;
  const flash = {
    window: s.windowSamples * F32,
    mel: weights * F32 + s.melBands * 4,
    dct: s.coefficients * s.melBands * F32,
    twiddles: 2 * n * F32,
    quantization: 2 * s.coefficients * F32,
  };
  const macsPerFrame =
    s.windowSamples + n * Math.log2(n / 2) + 2 * n + 2 * bins + weights + s.coefficients * s.melBands;
  return {
    frames,
    fftLength: n,
    ram: { total: working + features, working, features },
    flash: { total: flash.window + flash.mel + flash.dct + flash.twiddles + flash.quantization, ...flash },
    macsPerFrame,
    macs: macsPerFrame * frames,
    transcendentals: frames * (bins + s.melBands),
  };
}

/**
 * Cycles per clip on a core: MACs at the core's dense-kernel rate, and a square root or logarithm
 * at 20 element-wise operations each (a polynomial approximation). Coarse, like every core model.
 */
export function frontEndCycles(cost: FrontEndCost, core: CoreModel): number {
  return Math.round(
    cost.macs * core.cyclesPerMac.dense + cost.transcendentals * 20 * core.cyclesPerElement.elementwise,
  );
}

export interface FrontEndEstimate extends FrontEndCost {
  readonly cycles: number | null;
  readonly latencyMs: number | null;
}

/** The cost with cycles and latency on a core and clock, when they are known. */
export function frontEndEstimate(s: MfccSettings, core?: CoreModel, clockHz?: number): FrontEndEstimate {
  const cost = mfccCost(s);
  const cycles = core ? frontEndCycles(cost, core) : null;
  return { ...cost, cycles, latencyMs: cycles !== null && clockHz ? cyclesToMs(cycles, clockHz) : null };
}
