import type * as tf from '@tensorflow/tfjs';

export type Shape4 = [number, number, number, number];

/** Shape of a 4-D tensor info, checked (kernel inputs are typed as plain number[]). */
export function shape4(t: tf.TensorInfo, what: string): Shape4 {
  const [a, b, c, d] = t.shape;
  if (t.shape.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new Error(`${what} must be rank 4, got shape [${t.shape.join(',')}]`);
  }
  return [a, b, c, d];
}
