import * as tf from '@tensorflow/tfjs';
import { crop, explicitPad, shape4 } from './conv-geometry.js';
import { runComposite } from './kernel-scope.js';

/**
 * DepthwiseConv2dNativeBackpropInput as a forward depthwise conv (the transposed convolution):
 * dx[b,h,w,c] = Σ_{p,q,m} dy[b,(h+top−p·d)/s,(w+left−q·d)/s,c·M+m] · W[p,q,c,m] over whole quotients.
 * dy is spread out by the stride (zeros in between, via a 6-D pad), then correlated with the spatially
 * flipped filter seen as [KH,KW,C·M,1]; the M products of each input channel are summed at the end.
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
  const [, outH, outW, outC] = shape4(dy, 'dy');
  const [kh, kw, , mult] = filterShape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padInfo } = info;

  return runComposite(backend, 'wasm', (k) => {
    let spread = dy;
    if (sh > 1 || sw > 1) {
      const dy6 = k.run('Reshape', { x: dy }, { shape: [batch, outH, 1, outW, 1, outC] });
      const padded = k.run(
        'PadV2',
        { x: dy6 },
        {
          paddings: [
            [0, 0],
            [0, 0],
            [0, sh - 1],
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      spread = k.run('Reshape', { x: padded }, { shape: [batch, outH * sh, outW * sw, outC] });
    }
    const flipped = k.run('Reverse', { x: filter }, { dims: [0, 1] });
    const perChannel = k.run('Reshape', { x: flipped }, { shape: [kh, kw, outC, 1] });
    // Zeros before/after the spread dy so the flipped correlation lands on dx's rows; a negative
    // amount (explicit pads larger than the filter, or the spread's trailing zeros) is cropped instead.
    const top = (kh - 1) * dh - padInfo.top;
    const left = (kw - 1) * dw - padInfo.left;
    const bottom = inH + padInfo.top - outH * sh;
    const right = inW + padInfo.left - outW * sw;
    const full = k.run('DepthwiseConv2dNative', { x: spread, filter: perChannel }, {
      strides: [1, 1],
      dilations: [dh, dw],
      pad: explicitPad(Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)),
    } as unknown as tf.NamedAttrMap);
    const exact = crop(k, full, [0, Math.max(0, -top), Math.max(0, -left), 0], [batch, inH, inW, outC]);
    if (mult === 1) return exact;
    const split = k.run('Reshape', { x: exact }, { shape: [batch, inH, inW, inC, mult] });
    return k.run('Sum', { x: split }, { axis: [4], keepDims: false });
  });
};
