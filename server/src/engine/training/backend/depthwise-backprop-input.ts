import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { shape4 } from './conv-geometry.js';
import { heapOffset, simdKernels } from './simd-module.js';

/**
 * DepthwiseConv2dNativeBackpropInput (absent from tfjs-backend-wasm) as one SIMD pass over the heap
 * (kernels/gradient-kernels.c): dx[b,h,w,c] = Σ_{p,q,m} dy[b,(h+top−p·d)/s,(w+left−q·d)/s,c·M+m] ·
 * W[p,q,c,m] over whole quotients, each dx pixel gathering the taps that reach it. It replaced a
 * composition (dy spread by the stride, a depthwise conv with the flipped filter, a sum over M) that
 * multiplied the inserted zeros too and allocated three intermediates.
 */
export const depthwiseBackpropInput: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as tf.DepthwiseConv2dNativeBackpropInputInputs;
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  if (dy === undefined || filter === undefined)
    throw new Error('DepthwiseConv2dNativeBackpropInput needs dy and filter');
  const filterShape = shape4(filter, 'filter');
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
  );
  const [batch, inH, inW, inC] = inputShape;
  const [, outH, outW] = shape4(dy, 'dy');
  const [kh, kw, , mult] = filterShape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padInfo } = info;

  const wasm = backend as BackendWasm;
  const dx = wasm.makeOutput(inputShape, 'float32');
  simdKernels(wasm).depthwise_backprop_input(
    heapOffset(wasm, dy),
    heapOffset(wasm, filter),
    heapOffset(wasm, dx),
    ...[batch, inH, inW, inC, outH, outW, mult, kh, kw, sh, sw, dh, dw, padInfo.top, padInfo.left],
  );
  return dx;
};
