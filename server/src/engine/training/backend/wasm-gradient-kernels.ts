import * as tf from '@tensorflow/tfjs';
import { avgPoolGrad } from './avg-pool-grad.js';
import { batchNormPerChannel } from './batch-norm.js';
import { batchMatMulTransposed } from './batch-mat-mul.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilter } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInput } from './depthwise-backprop-input.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { reduceAdjacentAxes, tileLeading } from './reductions.js';
import { castSharingSameType, identity } from './shared-data.js';
// Registers the built-in wasm kernels, which the faster ones below fall back to outside their cases.
import '@tensorflow/tfjs-backend-wasm';

/** A kernel the wasm backend needs for training: absent from tfjs-backend-wasm, wrong, or too slow. */
export interface WasmKernelFix {
  readonly config: tf.KernelConfig;
  /** `missing`: registered only where wasm has none; `wrong` and `slow`: replace the built-in one. */
  readonly fixes: 'missing' | 'wrong' | 'slow';
  /** The built-in kernel it replaces (`wrong` and `slow`), for benchmarks side by side. */
  readonly replaces?: tf.KernelConfig;
}

const wasm = (kernelName: string, kernelFunc: tf.KernelFunc): tf.KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc,
});

function builtIn(kernelName: string): tf.KernelConfig {
  const config = tf.getKernel(kernelName, 'wasm');
  if (config === undefined) throw new Error(`tfjs-backend-wasm has no ${kernelName} kernel`);
  return config;
}

/**
 * Found for tfjs-backend-wasm 4.22 by checking `tf.getKernel(name, 'wasm')` for every kernel the
 * gradients of conv2d, depthwise conv, pooling, batch norm and dense run, and by comparing each
 * gradient with the cpu backend (test/unit/engine/training); `slow` ones by profiling a training step.
 */
export const wasmKernelFixes: readonly WasmKernelFix[] = (
  [
    { config: wasm(tf.Conv2DBackpropFilter, conv2dBackpropFilter), fixes: 'missing' },
    { config: wasm(tf.DepthwiseConv2dNativeBackpropFilter, depthwiseBackpropFilter), fixes: 'missing' },
    { config: wasm(tf.DepthwiseConv2dNativeBackpropInput, depthwiseBackpropInput), fixes: 'missing' },
    { config: wasm(tf.MaxPoolGrad, maxPoolGrad), fixes: 'wrong' },
    { config: wasm(tf.AvgPoolGrad, avgPoolGrad), fixes: 'slow' },
    { config: wasm(tf.Conv2DBackpropInput, conv2dBackpropInput), fixes: 'slow' },
    { config: reduceAdjacentAxes('sum', builtIn(tf.Sum)), fixes: 'slow' },
    { config: reduceAdjacentAxes('mean', builtIn(tf.Mean)), fixes: 'slow' },
    { config: tileLeading(builtIn(tf.Tile)), fixes: 'slow' },
    { config: wasm(tf.Identity, identity), fixes: 'slow' },
    { config: batchMatMulTransposed(builtIn(tf.BatchMatMul)), fixes: 'slow' },
    { config: castSharingSameType(builtIn(tf.Cast)), fixes: 'slow' },
    { config: batchNormPerChannel(builtIn(tf.FusedBatchNorm)), fixes: 'slow' },
  ] as const
).map((fix) => ({
  ...fix,
  ...(fix.fixes === 'missing' ? {} : { replaces: builtIn(fix.config.kernelName) }),
}));

/**
 * Registers the fixes; idempotent. A missing kernel that wasm has meanwhile (a later tfjs release) is
 * left alone. Returns the names registered by this call.
 */
export function registerWasmGradientKernels(): string[] {
  const added: string[] = [];
  for (const { config, fixes } of wasmKernelFixes) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) {
      if (fixes === 'missing') continue;
      // Unregister first: registering over a kernel works but logs a warning.
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    tf.registerKernel(config);
    added.push(config.kernelName);
  }
  return added;
}
