import * as tf from '@tensorflow/tfjs';
import { withFallback } from './fallback-kernel.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels, withScratch } from './simd-module.js';

/**
 * Sum and Mean over a run of adjacent axes (e.g. [0,1,2] of NHWC: batch-norm statistics, their
 * gradients and bias gradients; [1,2]: global average pooling) without moving data. tfjs-backend-wasm
 * first transposes the reduced axes innermost — a copy of the whole tensor, which made Sum and its
 * Transpose one of the largest costs of a training step. Here each outer slice is summed down its
 * rows, the kept inner axes in SIMD lanes (kernels/gradient-kernels.c, accumulated in doubles).
 * Anything else (other dtypes, scattered axes) goes to the built-in kernel.
 */
export function reduceAdjacentAxes(kind: 'sum' | 'mean', builtIn: tf.KernelConfig): tf.KernelConfig {
  return withFallback(builtIn, (args) => {
    const { x } = args.inputs as tf.SumInputs;
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    if (x === undefined) throw new Error(`${builtIn.kernelName} needs x`);
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const adjacent = axes.length > 0 && axes.every((a, i) => a === axes[0]! + i);
    if (x.dtype !== 'float32' || !adjacent || tf.util.sizeFromShape(x.shape) === 0) return undefined;
    const first = axes[0]!;
    const last = axes[axes.length - 1]!;
    const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    const outer = size(x.shape.slice(0, first));
    const rows = size(x.shape.slice(first, last + 1));
    const cols = size(x.shape.slice(last + 1));
    const outShape = keepDims
      ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
      : x.shape.filter((_, i) => i < first || i > last);
    const wasm = args.backend as BackendWasm;
    const out = wasm.makeOutput(outShape, 'float32');
    const scale = kind === 'mean' ? 1 / rows : 1;
    const kernels = simdKernels(wasm);
    const xAt = heapOffset(wasm, x);
    const outAt = heapOffset(wasm, out);
    withScratch(wasm, cols * 8, (acc) => {
      for (let o = 0; o < outer; o++)
        kernels.sum_leading(xAt + o * rows * cols * 4, rows, cols, scale, acc, outAt + o * cols * 4);
    });
    return out;
  });
}

/**
 * Tile of a tensor whose leading axes are 1 and are the only ones repeated (batch norm's gradient
 * tiles its [1,1,1,C] statistics to [B,H,W,C]): the output is the input repeated whole, written by
 * doubling copies. The built-in kernel computes every element's source index instead.
 */
export function tileLeading(builtIn: tf.KernelConfig): tf.KernelConfig {
  return withFallback(builtIn, (args) => {
    const { x } = args.inputs as tf.TileInputs;
    const { reps } = args.attrs as unknown as tf.TileAttrs;
    if (x === undefined) throw new Error('Tile needs x');
    const k = reps.findIndex((r, i) => reps.slice(i).every((s) => s === 1));
    const split = k < 0 ? reps.length : k;
    const whole = x.shape.slice(0, split).every((d) => d === 1);
    if (x.dtype !== 'float32' || !whole || reps.length !== x.shape.length) return undefined;
    const wasm = args.backend as BackendWasm;
    const out = wasm.makeOutput(
      x.shape.map((d, i) => d * reps[i]!),
      'float32',
    );
    // Views only after the last allocation: growing the wasm memory detaches older views.
    const src = wasm.typedArrayFromHeap(x);
    const dst = wasm.typedArrayFromHeap(out);
    if (src.length === 0) return out;
    dst.set(src);
    for (let filled = src.length; filled < dst.length; filled *= 2)
      dst.copyWithin(filled, 0, Math.min(filled, dst.length - filled));
    return out;
  });
}
