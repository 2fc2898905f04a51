import * as tf from '@tensorflow/tfjs';
import { crop, explicitPad, padAfterFor, shape4 } from './conv-geometry.js';
import { type KernelFuncBackend, runComposite } from './kernel-scope.js';
import { heapOffset, simdKernels, withScratch } from './simd-module.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Conv2DBackpropFilter as one forward Conv2D, so XNNPack does the work:
 * dW[p,q,ci,co] = Σ_{b,i,j} x[b, i·s + p − top, j·s + q − left, ci] · dy[b,i,j,co]
 * is a correlation over the spatial axes of x (with the batch as the channel axis and ci as the batch)
 * with dy as the filter, its taps `stride` apart. The output is [Ci,KH,KW,Co], transposed back to HWIO.
 * Pointwise convolutions take a cheaper route, one matrix product.
 */
export const conv2dBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as tf.Conv2DBackpropFilterInputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter needs x and dy');
  const info = tf.backend_util.computeConv2DInfo(
    shape4(x, 'x'),
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const [batch, inH, inW, inC] = shape4(x, 'x');
  const [, outH, outW, outC] = shape4(dy, 'dy');
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;

  const pointwise =
    kh === 1 &&
    kw === 1 &&
    sh === 1 &&
    sw === 1 &&
    outH === inH &&
    outW === inW &&
    padInfo.top === 0 &&
    padInfo.left === 0;
  if (pointwise) return pointwiseFilterGrad(backend, x, dy);
  if (process.env.UNAS_OLD_FILTER !== '1') {
    const wasm = backend as BackendWasm;
    const out = wasm.makeOutput(filterShape, 'float32');
    withScratch(wasm, kh * kw * inC * outC * 8, (acc) =>
      simdKernels(wasm).conv2d_backprop_filter(
        heapOffset(wasm, x),
        heapOffset(wasm, dy),
        heapOffset(wasm, out),
        acc,
        ...[batch, inH, inW, inC, outH, outW, outC, kh, kw, sh, sw, dh, dw, padInfo.top, padInfo.left],
      ),
    );
    return out;
  }

  return runComposite(backend, 'wasm', (k) => {
    const xT = k.run('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [Ci, H, W, B]
    const dyT = k.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, B, Co]
    const bottom = padAfterFor(inH, padInfo.top, outH, sh, dh, kh);
    const right = padAfterFor(inW, padInfo.left, outW, sw, dw, kw);
    const grad = k.run('Conv2D', { x: xT, filter: dyT }, {
      strides: [dh, dw],
      dilations: [sh, sw],
      dataFormat: 'NHWC',
      pad: explicitPad(padInfo.top, bottom, padInfo.left, right),
    } as unknown as tf.NamedAttrMap);
    const exact = crop(k, grad, [0, 0, 0, 0], [inC, kh, kw, outC]);
    return k.run('Transpose', { x: exact }, { perm: [1, 2, 0, 3] });
  });
};

/**
 * 1×1, stride 1: dW = Xᵀ·dY over the N = B·H·W pixels. XNNPack multiplies only untransposed operands,
 * so the smaller of X and dY is transposed explicitly and the other becomes the (packed) weights —
 * about twice as fast as the conv route, whose weight packing transposes dY as well.
 */
function pointwiseFilterGrad(backend: KernelFuncBackend, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const [batch, h, w, inC] = shape4(x, 'x');
  const outC = shape4(dy, 'dy')[3];
  const n = batch * h * w;
  return runComposite(backend, 'wasm', (k) => {
    const matMul = (a: tf.TensorInfo, b: tf.TensorInfo) =>
      k.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
    if (inC <= outC) {
      const xT = k.run(
        'Transpose',
        { x: k.run('Reshape', { x }, { shape: [1, n, inC] }) },
        { perm: [0, 2, 1] },
      );
      const grad = matMul(xT, k.run('Reshape', { x: dy }, { shape: [1, n, outC] })); // [1, Ci, Co]
      return k.run('Reshape', { x: grad }, { shape: [1, 1, inC, outC] });
    }
    const dyT = k.run(
      'Transpose',
      { x: k.run('Reshape', { x: dy }, { shape: [1, n, outC] }) },
      { perm: [0, 2, 1] },
    );
    const gradT = matMul(dyT, k.run('Reshape', { x }, { shape: [1, n, inC] })); // [1, Co, Ci]
    const grad = k.run('Transpose', { x: gradT }, { perm: [0, 2, 1] });
    return k.run('Reshape', { x: grad }, { shape: [1, 1, inC, outC] });
  });
}
