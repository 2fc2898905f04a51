import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { shape4 } from './conv-geometry.js';
import { heapOffset, simdKernels } from './simd-module.js';

/**
 * MaxPoolGrad for wasm, replacing the built-in one: tfjs-backend-wasm 4.22 seeds its running maximum
 * with `numeric_limits<float>::min()` (the smallest *positive* float), so a window with no positive
 * value routes its gradient to element 0 or drops it, and its `>=` sends ties to the last maximum.
 * This routes each dy to the first maximum of its window, as the cpu backend and TensorFlow do, in one
 * SIMD pass over the wasm heap (kernels/gradient-kernels.c): a scatter that no composition of XNNPack
 * kernels expresses cheaply.
 */
export const maxPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as tf.MaxPoolGradInputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  if (dy === undefined || input === undefined) throw new Error('MaxPoolGrad needs dy and input');
  const info = tf.backend_util.computePool2DInfo(
    shape4(input, 'input'),
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const wasm = backend as BackendWasm;
  const dx = wasm.makeOutput(input.shape, 'float32');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  // Pooling has no dilation: the effective window is the window.
  const { effectiveFilterHeight: kh, effectiveFilterWidth: kw, padInfo } = info;
  simdKernels(wasm).max_pool_grad(
    heapOffset(wasm, input),
    heapOffset(wasm, dy),
    heapOffset(wasm, dx),
    ...[batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, kh, kw, strideHeight, strideWidth],
    ...[padInfo.top, padInfo.left],
  );
  return dx;
};
