/**
 * Sample-rate conversion and length fitting for keyword clips. The resampler is a windowed-sinc
 * (Hann, 16 zero crossings each side) low-passed at the lower Nyquist, so downsampling does not
 * alias; clips are short (≈ 1 s), so the direct form is fast enough and exact to the filter.
 */

const HALF_TAPS = 16;

export function resample(samples: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return samples;
  const ratio = to / from;
  const out = new Float32Array(Math.max(1, Math.round(samples.length * ratio)));
  // Cut-off relative to the input rate: the lower of the two Nyquists.
  const cutoff = Math.min(1, ratio);
  const half = HALF_TAPS / cutoff;
  for (let i = 0; i < out.length; i++) {
    const centre = i / ratio;
    const lo = Math.max(0, Math.ceil(centre - half));
    const hi = Math.min(samples.length - 1, Math.floor(centre + half));
    let sum = 0;
    for (let j = lo; j <= hi; j++) {
      const x = j - centre;
      const window = 0.5 + 0.5 * Math.cos((Math.PI * x) / half);
      const arg = Math.PI * x * cutoff;
      const sinc = arg === 0 ? 1 : Math.sin(arg) / arg;
      sum += samples[j]! * cutoff * sinc * window;
    }
    out[i] = sum;
  }
  return out;
}

/** Exactly `length` samples: the start of a longer clip, a shorter one zero-padded at the end. */
export function fitLength(samples: Float32Array, length: number): Float32Array {
  if (samples.length === length) return samples;
  const out = new Float32Array(length);
  out.set(samples.subarray(0, Math.min(length, samples.length)));
  return out;
}
