import * as tf from '@tensorflow/tfjs';
import { withFallback } from './fallback-kernel.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels, withScratch } from './simd-module.js';

/**
 * FusedBatchNorm (the forward pass) with per-channel statistics, as every batch-norm layer runs it,
 * by one SIMD loop (kernels/gradient-kernels.c) instead of tfjs-backend-wasm's per-element index
 * arithmetic. The per-channel factor scale/√(variance + ε) is computed in doubles first, as the cpu
 * backend does per element. Other shapes go to the built-in kernel.
 */
export function batchNormPerChannel(builtIn: tf.KernelConfig): tf.KernelConfig {
  return withFallback(builtIn, (args) => {
    const { x, mean, variance, offset, scale } = args.inputs as tf.FusedBatchNormInputs;
    const { varianceEpsilon } = args.attrs as unknown as tf.FusedBatchNormAttrs;
    if (x === undefined || mean === undefined || variance === undefined)
      throw new Error('FusedBatchNorm needs x, mean and variance');
    const C = x.shape[x.shape.length - 1] ?? 1;
    const params = [mean, variance, offset, scale].filter((t): t is tf.TensorInfo => t !== undefined);
    const perChannel = params.every((t) => t.dtype === 'float32' && t.shape.length === 1 && t.shape[0] === C);
    if (x.dtype !== 'float32' || x.shape.length < 1 || !perChannel || C === 0) return undefined;
    const wasm = args.backend as BackendWasm;
    const out = wasm.makeOutput(x.shape, 'float32');
    const rows = tf.util.sizeFromShape(x.shape) / C;
    withScratch(wasm, 2 * C * 4, (at) => {
      // Views only after the last allocation: growing the wasm memory detaches older views.
      const v = wasm.typedArrayFromHeap(variance);
      const s = scale ? wasm.typedArrayFromHeap(scale) : undefined;
      const o = offset ? wasm.typedArrayFromHeap(offset) : undefined;
      const heap = new Float32Array(v.buffer, at, 2 * C);
      for (let c = 0; c < C; c++) {
        heap[c] = (s ? s[c]! : 1) / Math.sqrt(v[c]! + varianceEpsilon);
        heap[C + c] = o ? o[c]! : 0;
      }
      simdKernels(wasm).batch_norm(
        heapOffset(wasm, x),
        heapOffset(wasm, mean),
        at,
        at + C * 4,
        heapOffset(wasm, out),
        rows,
        C,
      );
    });
    return out;
  });
}
