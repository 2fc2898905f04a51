import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { shape4 } from './conv-geometry.js';

/**
 * MaxPoolGrad for wasm, replacing the built-in one: tfjs-backend-wasm 4.22 seeds its running maximum
 * with `numeric_limits<float>::min()` (the smallest *positive* float), so a window with no positive
 * value routes its gradient to element 0 or drops it, and its `>=` sends ties to the last maximum.
 * This routes each dy to the first maximum of its window, as the cpu backend and TensorFlow do, in one
 * pass over the wasm heap (a scatter that no composition of XNNPack kernels expresses cheaply).
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
  // Views only after the last allocation: growing the wasm memory detaches older views.
  const x = wasm.typedArrayFromHeap(input);
  const g = wasm.typedArrayFromHeap(dy);
  const out = wasm.typedArrayFromHeap(dx);
  out.fill(0);

  const {
    batchSize,
    inHeight: H,
    inWidth: W,
    inChannels: C,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
  } = info;
  const { effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info; // pooling has no dilation
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  let gi = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const hLo = Math.max(0, oh * strideHeight - top);
      const hHi = Math.min(H, oh * strideHeight - top + kh);
      for (let ow = 0; ow < outWidth; ow++) {
        const wLo = Math.max(0, ow * strideWidth - left);
        const wHi = Math.min(W, ow * strideWidth - left + kw);
        for (let c = 0; c < C; c++, gi++) {
          let best = -Infinity;
          let at = -1;
          for (let h = hLo; h < hHi; h++) {
            for (let i = ((b * H + h) * W + wLo) * C + c, end = i + (wHi - wLo) * C; i < end; i += C) {
              const v = x[i]!;
              if (v > best) {
                best = v;
                at = i;
              }
            }
          }
          if (at >= 0) out[at] = out[at]! + g[gi]!;
        }
      }
    }
  }
  return dx;
};
