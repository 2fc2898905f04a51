import * as tf from '@tensorflow/tfjs';
import { crop, explicitPad, shape4 } from './conv-geometry.js';
import { runComposite } from './kernel-scope.js';

/**
 * Conv2DBackpropInput (the transposed convolution) as one XNNPack Conv2D, replacing tfjs-backend-wasm's
 * scalar C++ loop, which is ~10× slower than the forward conv it differentiates.
 *
 * dx[h] = Σ_{o,p : o·s + p − top = h} dy[o] · W[p]. Writing h + top = s·m + a (phase a < s) and
 * p = s·t + a, this is dx[h] = Σ_t dy[m − t] · W[s·t + a]: for each phase a a stride-1 correlation of
 * dy with a flipped sub-filter of T = ⌈K/s⌉ taps. All s² phases become output channels of one conv
 * (filter [Th,Tw,Co,sh·sw·Ci]), and a depth-to-space reshuffle interleaves them into rows and columns —
 * no multiplications by inserted zeros, unlike spreading dy by the stride.
 */
export const conv2dBackpropInput: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as tf.Conv2DBackpropInputInputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (dy === undefined || filter === undefined) throw new Error('Conv2DBackpropInput needs dy and filter');
  const $dataFormat = tf.backend_util.convertConv2DDataFormat(dataFormat);
  if ($dataFormat !== 'channelsLast') throw new Error('wasm Conv2DBackpropInput supports NHWC only');
  const filterShape = shape4(filter, 'filter');
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    $dataFormat,
  );
  const [batch, inH, inW, inC] = inputShape;
  const [, outH, outW] = shape4(dy, 'dy');
  const [kh, kw, , outC] = filterShape;
  const { strideHeight: sh, strideWidth: sw, padInfo } = info;
  const rows = phaseGeometry(inH, outH, kh, sh, padInfo.top);
  const cols = phaseGeometry(inW, outW, kw, sw, padInfo.left);

  return runComposite(backend, 'wasm', (k) => {
    // Filter → [Th, Tw, Co, sh, sw, Ci]: taps split into (t, phase), t reversed, phases next to Ci.
    let taps = filter;
    if (rows.taps * sh > kh || cols.taps * sw > kw) {
      taps = k.run(
        'PadV2',
        { x: filter },
        {
          paddings: [
            [0, rows.taps * sh - kh],
            [0, cols.taps * sw - kw],
            [0, 0],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
    }
    const split = k.run('Reshape', { x: taps }, { shape: [rows.taps, sh, cols.taps, sw, inC, outC] });
    const flipped = k.run('Reverse', { x: split }, { dims: [0, 2] });
    const phased = k.run('Transpose', { x: flipped }, { perm: [0, 2, 5, 1, 3, 4] });
    const phaseFilter = k.run(
      'Reshape',
      { x: phased },
      { shape: [rows.taps, cols.taps, outC, sh * sw * inC] },
    );
    const z = k.run('Conv2D', { x: dy, filter: phaseFilter }, {
      strides: [1, 1],
      dilations: [1, 1],
      dataFormat: 'NHWC',
      pad: explicitPad(rows.padBefore, rows.padAfter, cols.padBefore, cols.padAfter),
    } as unknown as tf.NamedAttrMap);
    const [, zh, zw] = shape4(z, 'phase output');
    let interleaved = z;
    if (sh > 1 || sw > 1) {
      const z6 = k.run('Reshape', { x: z }, { shape: [batch, zh, zw, sh, sw, inC] });
      const rowsCols = k.run('Transpose', { x: z6 }, { perm: [0, 1, 3, 2, 4, 5] });
      interleaved = k.run('Reshape', { x: rowsCols }, { shape: [batch, zh * sh, zw * sw, inC] });
    }
    return crop(k, interleaved, [0, rows.begin, cols.begin, 0], [batch, inH, inW, inC]);
  });
};

/**
 * For one spatial axis: sub-filter taps T, the conv's zero padding, and where dx starts in the
 * interleaved output. Conv output j holds m = j + T − 1 − padBefore; choosing padBefore = T − 1 − ⌊top/s⌋
 * puts the first needed m at j = 0, so dx starts at row `top mod s` (larger explicit pads: further in).
 */
function phaseGeometry(inLen: number, outLen: number, kernel: number, stride: number, top: number) {
  const taps = Math.ceil(kernel / stride);
  const padBefore = Math.max(0, taps - 1 - Math.floor(top / stride));
  const begin = top - stride * (taps - 1 - padBefore);
  const needed = Math.ceil((inLen + begin) / stride);
  const padAfter = Math.max(0, needed - outLen - padBefore + taps - 1);
  return { taps, padBefore, padAfter, begin };
}
