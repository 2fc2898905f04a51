import { describe, expect, it } from 'vitest';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { TFLITE_FLATBUFFER as FB } from '../../../../server/src/engine/resources/conventions.js';
import { conv, dense, dw, flatten, graphOf, maxpool } from './reference-nets.js';

const Q = FB.perQuantization + 12; // a per-tensor QuantizationParameters table: one scale (f32), one zero point (i64)
const OP = FB.perOperator + FB.perTensor + Q; // every operator: its table and its quantised output tensor
const T = FB.perTensor;
const PC = (channels: number) => FB.perQuantization + channels * 12; // per-channel parameters

describe('flash in the tflm convention', () => {
  // 8×8×3 → conv 3×3·16 → dw 3×3 → maxpool 2 → flatten → dense 10.
  const g = graphOf([8, 8, 3], [[conv(16, 3)], [dw(3)], [maxpool(2)], [flatten], [dense(10)]]);
  const e = estimate(g, { convention: 'tflm' });
  const byOp = (op: string) => e.layers.find((l) => l.op === op)!.flash;

  it.each([
    // Every operator: OP, then its constants, each a tensor with its bytes rounded up to 16:
    // weights 3·3·3·16 = 432 B, int32 biases 16·4 = 64 B, both with per-channel parameters for 16 channels.
    ['conv2d', OP + (T + 432 + PC(16)) + (T + 64 + PC(16))],
    // depthwise 3·3·16 = 144 B, biases 64 B, per-channel again.
    ['dwconv2d', OP + (T + 144 + PC(16)) + (T + 64 + PC(16))],
    ['pool', OP],
    // RESHAPE plus its int32 new-shape constant (8 B → 16).
    ['flatten', OP + T + 16],
    // 2·2·16 = 64 inputs: weights 640 B, biases 40 → 48 B, per-tensor parameters.
    ['dense', OP + (T + 640 + Q) + (T + 48 + Q)],
  ])('%s', (op, bytes) => {
    expect(byOp(op)).toBe(bytes);
  });

  it('adds the model-wide part once: root tables, input tensor, 5 operator codes', () => {
    expect(e.totals.flashModelOverhead).toBe(FB.perModel + T + Q + 5 * FB.perOperatorCode);
    expect(e.totals.flash).toBe(e.layers.reduce((s, l) => s + l.flash, 0) + e.totals.flashModelOverhead);
  });

  it('counts the same parameters as unas, which stores only 1 B each', () => {
    const u = estimate(g, { convention: 'unas' });
    expect(u.totals.params).toBe(e.totals.params);
    expect(u.totals.flash).toBe(u.totals.params);
    expect(u.totals.params).toBe(432 + 16 + 144 + 16 + 640 + 10);
  });
});

describe('MACs', () => {
  it('are additive over layers and independent of the convention', () => {
    const g = graphOf(
      [12, 12, 2],
      [[conv(4, 3, 1, 'same')], [maxpool(3, 2)], [dw(3)], [flatten], [dense(5)]],
    );
    const a = estimate(g, { convention: 'tflm' });
    const b = estimate(g, { convention: 'unas' });
    // conv 'same' 12·12·4·9·2 = 10 368; pool 3/2 → ⌊(12 − 3)/2⌋ + 1 = 5: 5·5·4·9 = 900; dw 3×3 → 3·3·4·9 = 324; dense 36·5 = 180.
    expect(a.layers.map((l) => l.macs)).toEqual([0, 10368, 900, 324, 0, 180]);
    expect(a.totals.macs).toBe(10368 + 900 + 324 + 180);
    expect(b.totals.macs).toBe(a.totals.macs);
  });
});
