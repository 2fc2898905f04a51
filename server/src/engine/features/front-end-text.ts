import { formatBytes, formatCount } from '../language/units.js';
import type { FrontEndEstimate } from './front-end-cost.js';
import type { MfccSettings } from './mfcc.js';

/** One line, for the CLI and inlay hints: `MFCC 49×10: RAM 6.1 KB · flash 5.2 KB · 1.2 M MACs · 3.1 ms`. */
export function frontEndLine(s: MfccSettings, e: FrontEndEstimate): string {
  return [
    `MFCC ${e.frames}×${s.coefficients}: RAM ${formatBytes(e.ram.total)}`,
    `flash ${formatBytes(e.flash.total)}`,
    `${formatCount(e.macs)} MACs`,
    ...(e.latencyMs !== null ? [`${e.latencyMs.toFixed(1)} ms`] : []),
  ].join(' · ');
}

/** The breakdown, for hovers and `unas estimate`. */
export function frontEndDetails(s: MfccSettings, e: FrontEndEstimate): string[] {
  const ms = (samples: number) => `${(samples / s.sampleRate) * 1000} ms`;
  return [
    `${ms(s.windowSamples)} frames every ${ms(s.strideSamples)}, ${e.fftLength}-point FFT, ${s.melBands} mel bands ${s.lowHz}–${s.highHz} Hz, ${s.coefficients} coefficients → ${e.frames}×${s.coefficients}×1`,
    `RAM ${formatBytes(e.ram.total)}: working buffers ${formatBytes(e.ram.working)} + feature map ${formatBytes(e.ram.features)} (the network's input)`,
    `flash ${formatBytes(e.flash.total)}: window ${formatBytes(e.flash.window)}, mel weights ${formatBytes(e.flash.mel)}, DCT ${formatBytes(e.flash.dct)}, FFT twiddles ${formatBytes(e.flash.twiddles)}, quantization ${formatBytes(e.flash.quantization)}`,
    `${formatCount(e.macs)} MACs per clip (${formatCount(e.macsPerFrame)} per frame) + ${formatCount(e.transcendentals)} square roots and logarithms` +
      (e.cycles !== null ? ` · ≈ ${formatCount(e.cycles)} cycles` : '') +
      (e.latencyMs !== null ? ` · ${e.latencyMs.toFixed(2)} ms` : ''),
  ];
}
