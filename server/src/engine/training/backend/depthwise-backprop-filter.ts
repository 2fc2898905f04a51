import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { shape4 } from './conv-geometry.js';
import { heapOffset, simdKernels, withScratch } from './simd-module.js';

/**
 * DepthwiseConv2dNativeBackpropFilter as one pass over the wasm heap:
 * dW[p,q,c,m] = Σ_{b,i,j} x[b, i·s + p·d − top, j·s + q·d − left, c] · dy[b,i,j,c·M+m].
 *
 * Not a composition: as a depthwise conv this is a correlation whose taps are all of dy's pixels
 * (batch folded into channels), which XNNPack runs through a slow generic path (~95 ms for a 28×28×16
 * layer at batch 128); a regular Conv2D would compute all C² channel pairs to keep C of them. The work
 * is only K² multiply-adds per dy element: a SIMD loop over channels (kernels/gradient-kernels.c),
 * rows summed in float32 and then in doubles, as precise as the cpu backend.
 */
export const depthwiseBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as tf.DepthwiseConv2dNativeBackpropFilterInputs;
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  if (x === undefined || dy === undefined)
    throw new Error('DepthwiseConv2dNativeBackpropFilter needs x and dy');
  const info = tf.backend_util.computeConv2DInfo(
    shape4(x, 'x'),
    filterShape,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
  );
  const [batch, inH, inW, inC] = shape4(x, 'x');
  const [, outH, outW, outC] = shape4(dy, 'dy');
  const [kh, kw, , mult] = filterShape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(filterShape, 'float32');
  withScratch(wasm, kh * kw * outC * 8, (acc) =>
    simdKernels(wasm).depthwise_backprop_filter(
      heapOffset(wasm, x),
      heapOffset(wasm, dy),
      heapOffset(wasm, out),
      acc,
      ...[batch, inH, inW, inC, outH, outW, mult, kh, kw, sh, sw, dh, dw, top, left],
    ),
  );
  return out;
};
