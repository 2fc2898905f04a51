import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { shape4 } from './conv-geometry.js';
import { heapOffset, simdKernels } from './simd-module.js';

/**
 * AvgPoolGrad as one SIMD scatter over the heap (kernels/gradient-kernels.c), replacing
 * tfjs-backend-wasm's scalar loop; every window's dy is spread over its cells divided by the window
 * size, as on the cpu backend (padding cells included, as tfjs does).
 */
export const avgPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as tf.AvgPoolGradInputs;
  const { filterSize, strides, pad } = attrs as unknown as tf.AvgPoolGradAttrs;
  if (dy === undefined || input === undefined) throw new Error('AvgPoolGrad needs dy and input');
  const info = tf.backend_util.computePool2DInfo(shape4(input, 'input'), filterSize, strides, 1, pad);
  const wasm = backend as BackendWasm;
  const dx = wasm.makeOutput(input.shape, 'float32');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight: kh, filterWidth: kw, padInfo } = info;
  simdKernels(wasm).avg_pool_grad(
    heapOffset(wasm, dy),
    heapOffset(wasm, dx),
    ...[batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, kh, kw, strideHeight, strideWidth],
    ...[padInfo.top, padInfo.left, 1 / (kh * kw)],
  );
  return dx;
};
