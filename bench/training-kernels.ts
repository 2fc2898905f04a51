import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../server/src/engine/training/backend/backend-selection.js';
import { wasmKernelFixes } from '../server/src/engine/training/backend/wasm-gradient-kernels.js';

/** Inputs and attributes of one kernel call, at the sizes μNAS networks train with (batch 128). */
type KernelCase = [kernel: string, inputs: () => tf.NamedTensorMap, attrs: tf.NamedAttrMap];

const u = (shape: number[], lo = -1) => tf.randomUniform(shape, lo, 1, 'float32', shape.length);

const CASES: KernelCase[] = [
  [
    tf.Conv2DBackpropInput,
    () => ({ dy: u([128, 14, 14, 32]), filter: u([3, 3, 32, 32]) }),
    { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [128, 14, 14, 32] },
  ],
  [
    tf.MaxPoolGrad,
    () => ({ dy: u([128, 14, 14, 32]), input: u([128, 28, 28, 32]), output: u([128, 14, 14, 32]) }),
    { filterSize: 2, strides: 2, pad: 'valid' },
  ],
  [
    tf.AvgPoolGrad,
    () => ({ dy: u([128, 14, 14, 32]), input: u([128, 28, 28, 32]) }),
    { filterSize: 2, strides: 2, pad: 'valid' },
  ],
  [tf.Sum, () => ({ x: u([128, 28, 28, 64]) }), { axis: [0, 1, 2], keepDims: false }],
  [tf.Mean, () => ({ x: u([128, 28, 28, 64]) }), { axis: [0, 1, 2], keepDims: false }],
  [tf.Tile, () => ({ x: u([1, 1, 1, 64]) }), { reps: [128, 28, 28, 1] }],
  [tf.Identity, () => ({ x: u([128, 28, 28, 64]) }), {}],
  [tf.Cast, () => ({ x: u([128, 28, 28, 64]) }), { dtype: 'float32' }],
  [
    tf.FusedBatchNorm,
    () => ({
      x: u([128, 28, 28, 64]),
      mean: u([64]),
      variance: u([64], 0.5),
      offset: u([64]),
      scale: u([64]),
    }),
    { varianceEpsilon: 1e-3 },
  ],
  [
    tf.BatchMatMul,
    () => ({ a: u([1, 128, 5000]), b: u([1, 128, 200]) }),
    { transposeA: true, transposeB: false },
  ],
  [
    tf.BatchMatMul,
    () => ({ a: u([1, 128, 200]), b: u([1, 5000, 200]) }),
    { transposeA: false, transposeB: true },
  ],
];

/**
 * Each kernel this project replaces on wasm against the built-in one it replaces, on the same inputs
 * in one run: the fastest of `repeats` calls each (the least disturbed by other processes).
 */
export async function benchTrainingKernels(repeats = 5): Promise<Record<string, unknown>> {
  await initTrainingBackend('wasm');
  const backend = tf.backend();
  const results: Record<string, unknown> = {};
  for (const [name, makeInputs, attrs] of CASES) {
    const fix = wasmKernelFixes.find((f) => f.config.kernelName === name);
    if (!fix?.replaces) continue;
    // The built-in kernel's set-up never ran: it was unregistered before the backend started.
    fix.replaces.setupFunc?.(backend);
    const inputs = makeInputs();
    const best = (config: tf.KernelConfig) => {
      let ms = Infinity;
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        const out = config.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
        ms = Math.min(ms, performance.now() - t0);
        backend.disposeData(out.dataId);
      }
      return ms;
    };
    const builtIn = best(fix.replaces);
    const ours = best(fix.config);
    const key = name === tf.BatchMatMul ? `${name} ${attrs.transposeA ? 'aᵀ·b' : 'a·bᵀ'}` : name;
    results[key] = {
      shapes: Object.values(inputs).map((t) => t.shape.join('×')),
      builtInMs: Math.round(builtIn * 100) / 100,
      thisProjectMs: Math.round(ours * 100) / 100,
      speedup: ours >= 0.01 ? Math.round((builtIn / ours) * 10) / 10 : 'no copy: shares the data',
    };
    tf.dispose(Object.values(inputs));
  }
  return results;
}
