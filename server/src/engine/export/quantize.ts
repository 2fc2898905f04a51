/**
 * Post-training int8 quantisation arithmetic, after the TensorFlow Lite 8-bit quantisation spec
 * (https://www.tensorflow.org/lite/performance/quantization_spec) and the converter's
 * `tensorflow/lite/tools/optimize/quantization_utils.cc`:
 *
 * - activations: int8, per tensor, asymmetric; the float range is widened to include 0,
 *   `scale = (max − min) / 255`, `zero_point = round(−128 − min / scale)` clamped to [−128, 127];
 * - conv / depthwise weights: int8, per output channel, symmetric (zero point 0) in [−127, 127],
 *   `scale_c = max|w_c| / 127`; fully connected weights: the same per tensor;
 * - biases: int32, zero point 0, `scale = input_scale × weight_scale` (per channel where the weights are);
 * - rounding: half away from zero (`std::round`, `TfLiteRound`), not JavaScript's `Math.round`.
 *
 * Scales are stored as float32 in the flatbuffer, so every scale is rounded to float32 *before* it
 * is used to quantise: the integers in the file are exactly those the stored scales describe, and a
 * bias scale equals the float32 product TFLite checks it against (`|bias_scale − in·w| ≤ 1e−6·…`).
 */

export const INT8_MIN = -128;
export const INT8_MAX = 127;
/** Weights use the narrow range [−127, 127] (the spec's restriction). */
export const WEIGHT_MAX = 127;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** `std::round`: halves go away from zero (JavaScript's Math.round sends −2.5 to −2). */
export function roundHalfAwayFromZero(x: number): number {
  // `+ 0` turns −0 into 0 (a zero point of −0 would not survive a round trip through int64).
  return (x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5)) + 0;
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** Per-tensor (or per-channel: `axis` and one entry per channel) quantisation of a TFLite tensor. */
export interface Quantization {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  /** Quantised dimension for per-channel parameters (0 for conv weights, 3 for depthwise); 0 otherwise. */
  readonly axis: number;
}

export interface AffineParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Asymmetric int8 parameters for a float range (TFLite's `GetAsymmetricQuantizationParams`): the
 * range is extended to contain 0 so that 0 is exact (zero padding, ReLU); an empty range gets scale 1.
 */
export function activationParams(min: number, max: number): AffineParams {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (!(hi > lo) || !Number.isFinite(hi - lo)) return { scale: 1, zeroPoint: 0 };
  const scale = Math.fround((hi - lo) / (INT8_MAX - INT8_MIN));
  const fromMin = INT8_MIN - lo / scale;
  const zeroPoint =
    fromMin <= INT8_MIN ? INT8_MIN : fromMin >= INT8_MAX ? INT8_MAX : roundHalfAwayFromZero(fromMin);
  return { scale, zeroPoint };
}

/** q = clamp(round(x / scale) + zero_point, −128, 127). */
export function quantizeValue(x: number, p: AffineParams): number {
  return clamp(roundHalfAwayFromZero(x / p.scale) + p.zeroPoint, INT8_MIN, INT8_MAX);
}

export function dequantizeValue(q: number, p: AffineParams): number {
  return (q - p.zeroPoint) * p.scale;
}

export interface SymmetricWeights {
  readonly data: Int8Array;
  /** float32 scales, one per channel (one for per-tensor). */
  readonly scales: readonly number[];
}

/** Symmetric scale for a largest magnitude; an all-zero channel gets scale 1 (its values stay 0). */
export function symmetricScale(maxAbs: number): number {
  return maxAbs > 0 && Number.isFinite(maxAbs) ? Math.fround(maxAbs / WEIGHT_MAX) : 1;
}

/**
 * Symmetric int8 quantisation with one scale per channel, where element i belongs to channel
 * `channelOf(i)` (`channels` = 1 gives per-tensor quantisation).
 */
export function quantizeSymmetric(
  values: ArrayLike<number>,
  channels: number,
  channelOf: (i: number) => number,
): SymmetricWeights {
  const maxAbs = new Array<number>(channels).fill(0);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(values[i]!));
  }
  const scales = maxAbs.map(symmetricScale);
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    data[i] = clamp(roundHalfAwayFromZero(values[i]! / scales[channelOf(i)]!), -WEIGHT_MAX, WEIGHT_MAX);
  }
  return { data, scales };
}

/** Per output channel, for weights laid out with the channel as the first dimension (OHWI conv kernels). */
export function quantizePerChannelFirst(values: ArrayLike<number>, channels: number): SymmetricWeights {
  const per = values.length / channels;
  return quantizeSymmetric(values, channels, (i) => Math.floor(i / per));
}

/** Per output channel, for weights with the channel as the last dimension (depthwise 1HWC kernels). */
export function quantizePerChannelLast(values: ArrayLike<number>, channels: number): SymmetricWeights {
  return quantizeSymmetric(values, channels, (i) => i % channels);
}

export function quantizePerTensor(values: ArrayLike<number>): SymmetricWeights {
  return quantizeSymmetric(values, 1, () => 0);
}

/** float32 bias scales: `input_scale × weight_scale[c]` (one weight scale: per tensor). */
export function biasScales(inputScale: number, weightScales: readonly number[]): number[] {
  return weightScales.map((w) => Math.fround(Math.fround(inputScale) * Math.fround(w)));
}

/** int32 biases: round(b / scale) with per-channel (or one) scales, zero point 0, clamped to int32. */
export function quantizeBias(bias: ArrayLike<number>, scales: readonly number[]): Int32Array {
  const out = new Int32Array(bias.length);
  for (let i = 0; i < bias.length; i++) {
    const s = scales.length === 1 ? scales[0]! : scales[i]!;
    out[i] = clamp(roundHalfAwayFromZero(bias[i]! / s), INT32_MIN, INT32_MAX);
  }
  return out;
}

/** The moving statistics and affine parameters of a batch norm over the last axis. */
export interface BatchNormParams {
  readonly gamma: ArrayLike<number>;
  readonly beta: ArrayLike<number>;
  readonly mean: ArrayLike<number>;
  readonly variance: ArrayLike<number>;
  readonly epsilon: number;
}

/** Per channel: `y = x · multiplier + offset` is the inference-time batch norm. */
export function batchNormAffine(bn: BatchNormParams): { multiplier: Float64Array; offset: Float64Array } {
  const c = bn.gamma.length;
  const multiplier = new Float64Array(c);
  const offset = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    multiplier[i] = bn.gamma[i]! / Math.sqrt(bn.variance[i]! + bn.epsilon);
    offset[i] = bn.beta[i]! - bn.mean[i]! * multiplier[i]!;
  }
  return { multiplier, offset };
}

/**
 * Folds a batch norm into the layer before it: `w'[…, c] = w[…, c] · m_c`, `b'_c = b_c · m_c + o_c`
 * with `m = γ / √(σ² + ε)` and `o = β − μ·m`. `channelOf(i)` is the output channel of weight
 * element i. Returns new arrays.
 */
export function foldBatchNorm(
  weights: ArrayLike<number>,
  bias: ArrayLike<number>,
  bn: BatchNormParams,
  channelOf: (i: number) => number,
): { weights: Float64Array; bias: Float64Array } {
  const { multiplier, offset } = batchNormAffine(bn);
  const w = new Float64Array(weights.length);
  for (let i = 0; i < weights.length; i++) w[i] = weights[i]! * multiplier[channelOf(i)]!;
  const b = new Float64Array(bias.length);
  for (let c = 0; c < bias.length; c++) b[c] = bias[c]! * multiplier[c]! + offset[c]!;
  return { weights: w, bias: b };
}
