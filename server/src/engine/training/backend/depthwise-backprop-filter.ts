import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { shape4 } from './conv-geometry.js';

/**
 * DepthwiseConv2dNativeBackpropFilter as one pass over the wasm heap:
 * dW[p,q,c,m] = Σ_{b,i,j} x[b, i·s + p·d − top, j·s + q·d − left, c] · dy[b,i,j,c·M+m].
 *
 * Not a composition: as a depthwise conv this is a correlation whose taps are all of dy's pixels
 * (batch folded into channels), which XNNPack runs through a slow generic path (~95 ms for a 28×28×16
 * layer at batch 128); a regular Conv2D would compute all C² channel pairs to keep C of them. The work
 * is only K² multiply-adds per dy element, so a plain loop with the channel innermost is about twice
 * as fast, and accumulating in doubles keeps it as precise as the cpu backend.
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
  // Views only after the last allocation: growing the wasm memory detaches older views.
  const xs = wasm.typedArrayFromHeap(x);
  const g = wasm.typedArrayFromHeap(dy);
  const acc = new Float64Array(kh * kw * outC);
  // Tap-major, so each inner run pairs a row of dy with a shifted row of x.
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      const aBase = (p * kw + q) * outC;
      const shift = q * dw - left;
      const jLo = Math.max(0, Math.ceil(-shift / sw));
      const jHi = Math.min(outW, Math.ceil((inW - shift) / sw)); // exclusive
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < outH; i++) {
          const h = i * sh + p * dh - top;
          if (h < 0 || h >= inH) continue;
          const xRow = (b * inH + h) * inW;
          const gRow = (b * outH + i) * outW;
          for (let j = jLo; j < jHi; j++) {
            const xBase = (xRow + j * sw + shift) * inC;
            const gBase = (gRow + j) * outC;
            if (mult === 1) {
              for (let c = 0; c < inC; c++) acc[aBase + c] = acc[aBase + c]! + xs[xBase + c]! * g[gBase + c]!;
            } else {
              for (let c = 0; c < inC; c++) {
                const v = xs[xBase + c]!;
                const o = c * mult;
                for (let m = 0; m < mult; m++)
                  acc[aBase + o + m] = acc[aBase + o + m]! + v * g[gBase + o + m]!;
              }
            }
          }
        }
      }
    }
  }
  wasm.typedArrayFromHeap(out).set(acc);
  return out;
};
