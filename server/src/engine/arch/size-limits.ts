import type { Shape } from './graph.js';

/**
 * The largest tensor (elements = bytes at int8) and the largest weight count of one layer that any
 * model may have: 256 MiB, a hundred times the memory of the biggest microcontrollers. Beyond it a
 * figure is a typo, and the resource models, planners and trainers must never see it: their arrays
 * and int32 offsets are sized for real networks.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;
export const MAX_LAYER_WEIGHTS = 2 ** 28;

/**
 * Graphs with more nodes than this are not estimated: TFLM's greedy planner, which the arena
 * figure reproduces, is quadratic in the tensors (65,000 layers take half a minute), and no
 * microcontroller model has a thousand layers.
 */
export const MAX_ESTIMATED_NODES = 1000;

/** Exact product of `factors` (BigInt, so that no rounding lets a huge product pass as small). */
export function exactProduct(factors: readonly (number | bigint | string)[]): bigint {
  let p = 1n;
  for (const f of factors) p *= typeof f === 'bigint' ? f : BigInt(f);
  return p;
}

/** A shape as `H×W×C` for a message; a dimension of many digits is shortened. */
function show(shape: Shape | readonly string[]): string {
  return shape
    .map((d) => {
      const t = String(d);
      return t.length > 15 ? `${t.slice(0, 6)}…(${t.length} digits)` : t;
    })
    .join('×');
}

/** Why `shape` is too big to be a tensor of a microcontroller model, or undefined when it fits. */
export function tensorTooBig(shape: Shape | readonly string[]): string | undefined {
  const unsafe = shape.some((d) => typeof d === 'number' && !Number.isSafeInteger(d));
  const n = unsafe ? undefined : exactProduct(shape);
  if (n === undefined)
    return `a tensor of ${show(shape)} is larger than any microcontroller holds (at most ${MAX_TENSOR_ELEMENTS} values per tensor)`;
  if (n <= BigInt(MAX_TENSOR_ELEMENTS)) return undefined;
  const count = String(n).length > 15 ? `about 10^${String(n).length - 1}` : String(n);
  return `a tensor of ${show(shape)} (${count} values) is larger than any microcontroller holds (at most ${MAX_TENSOR_ELEMENTS} values per tensor)`;
}

/** Why a layer with `weights` (an exact count) has too many, or undefined when it fits. */
export function weightsTooMany(weights: bigint): string | undefined {
  return weights <= BigInt(MAX_LAYER_WEIGHTS)
    ? undefined
    : `this layer has ${weights} weights, more than any microcontroller holds (at most ${MAX_LAYER_WEIGHTS})`;
}
