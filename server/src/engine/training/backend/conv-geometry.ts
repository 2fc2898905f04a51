import * as tf from '@tensorflow/tfjs';
import type { KernelScope } from './kernel-scope.js';

export type Shape4 = [number, number, number, number];

/** Explicit NHWC padding in the form conv kernels accept: [[0,0],[top,bottom],[left,right],[0,0]]. */
export type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

export function explicitPad(top: number, bottom: number, left: number, right: number): ExplicitPad {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/** Shape of a 4-D tensor info, checked (kernel inputs are typed as plain number[]). */
export function shape4(t: tf.TensorInfo, what: string): Shape4 {
  const [a, b, c, d] = t.shape;
  if (t.shape.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new Error(`${what} must be rank 4, got shape [${t.shape.join(',')}]`);
  }
  return [a, b, c, d];
}

/** Crops `t` to `size` starting at `begin`, or returns it unchanged when nothing needs cropping. */
export function crop(k: KernelScope, t: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const same = t.shape.every((n, i) => begin[i] === 0 && size[i] === n);
  return same ? t : k.run('Slice', { x: t }, { begin, size });
}
