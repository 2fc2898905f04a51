import * as tf from '@tensorflow/tfjs';
import { withFallback } from './fallback-kernel.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels } from './simd-module.js';

/**
 * BatchMatMul with a transposed operand — the gradients of every dense layer, xᵀ·dy and dy·Wᵀ — by
 * SIMD kernels that read the transposed operand in place (kernels/gradient-kernels.c). The built-in
 * kernel hands dy to XNNPack as "weights", which it re-packs at every call: ~0.4 G multiply-adds/s on
 * a flatten → dense layer, a fifth of the training step of many μNAS networks. Products of equal
 * batch size with exactly one operand transposed come here; the rest go to the built-in kernel.
 */
export function batchMatMulTransposed(builtIn: tf.KernelConfig): tf.KernelConfig {
  return withFallback(builtIn, (args) => {
    const { a, b } = args.inputs as tf.BatchMatMulInputs;
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (a === undefined || b === undefined) throw new Error('BatchMatMul needs a and b');
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    const usable =
      a.dtype === 'float32' &&
      b.dtype === 'float32' &&
      a.shape.length === 3 &&
      b.shape.length === 3 &&
      batchA === batchB &&
      transposeA !== transposeB;
    if (!usable) return undefined;
    const [, a1, a2] = a.shape as [number, number, number];
    const [, b1, b2] = b.shape as [number, number, number];
    const [m, k] = transposeA ? [a2, a1] : [a1, a2];
    const n = transposeB ? b1 : b2;
    if (k !== (transposeB ? b2 : b1))
      throw new Error(`matMul: inner dimensions of [${a.shape.join(',')}] and [${b.shape.join(',')}] differ`);
    const wasm = args.backend as BackendWasm;
    const out = wasm.makeOutput([batchA, m, n], 'float32');
    const kernels = simdKernels(wasm);
    const [aAt, bAt, outAt] = [heapOffset(wasm, a), heapOffset(wasm, b), heapOffset(wasm, out)];
    for (let i = 0; i < batchA; i++) {
      const [ai, bi, oi] = [aAt + i * m * k * 4, bAt + i * k * n * 4, outAt + i * m * n * 4];
      if (transposeB) kernels.matmul_bt(ai, bi, oi, m, k, n);
      else kernels.matmul_strided_a(ai, bi, oi, m, k, n, transposeA ? 1 : k, transposeA ? m : 1);
    }
    return out;
  });
}
