import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels } from './simd-module.js';

const OPS = { [tf.Multiply]: 0, [tf.Add]: 1, [tf.Sub]: 2, [tf.RealDiv]: 3 } as Record<string, number>;

/**
 * Multiply, Add, Sub and RealDiv of float32 tensors whose broadcast is a repetition — equal shapes,
 * a scalar, or an operand matching the other's trailing axes (a per-channel vector against NHWC) —
 * as one SIMD loop (kernels/gradient-kernels.c). Batch norm's and ReLU's gradients run several per
 * layer and step, and tfjs-backend-wasm's XNNPack path is several times slower when it broadcasts.
 * Other broadcasts and dtypes go to the built-in kernel.
 */
export function binaryRepeating(builtIn: tf.KernelConfig): tf.KernelConfig {
  const op = OPS[builtIn.kernelName];
  if (op === undefined) throw new Error(`no SIMD kernel for ${builtIn.kernelName}`);
  return {
    kernelName: builtIn.kernelName,
    backendName: 'wasm',
    ...(builtIn.setupFunc ? { setupFunc: builtIn.setupFunc } : {}),
    kernelFunc: (args) => {
      const { a, b } = args.inputs as tf.BinaryInputs;
      if (a === undefined || b === undefined) throw new Error(`${builtIn.kernelName} needs a and b`);
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return builtIn.kernelFunc(args);
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      if (!repeats(a.shape, outShape) || !repeats(b.shape, outShape)) return builtIn.kernelFunc(args);
      const wasm = args.backend as BackendWasm;
      const out = wasm.makeOutput(outShape, 'float32');
      const n = tf.util.sizeFromShape(outShape);
      if (n > 0)
        simdKernels(wasm).binary_broadcast(
          op,
          heapOffset(wasm, a),
          tf.util.sizeFromShape(a.shape),
          heapOffset(wasm, b),
          tf.util.sizeFromShape(b.shape),
          heapOffset(wasm, out),
          n,
        );
      return out;
    },
  };
}

/**
 * Whether broadcasting `shape` to `out` repeats its data whole: right-aligned, its axes equal out's
 * trailing axes except for leading ones (which repeat it). A scalar or all-ones shape always does.
 */
function repeats(shape: readonly number[], out: readonly number[]): boolean {
  const offset = out.length - shape.length;
  let matching = true; // from the last axis backwards: equal axes, then only 1s
  for (let i = shape.length - 1; i >= 0; i--) {
    if (matching && shape[i] === out[i + offset]) continue;
    matching = false;
    if (shape[i] !== 1) return false;
  }
  return true;
}
