import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../../server/src/engine/arch/builder.js';
import {
  activationParams,
  batchNormAffine,
  biasScales,
  dequantizeValue,
  foldBatchNorm,
  quantizeBias,
  quantizePerChannelFirst,
  quantizePerChannelLast,
  quantizePerTensor,
  quantizeValue,
  roundHalfAwayFromZero,
} from '../../../../server/src/engine/export/quantize.js';
import {
  activationQuantization,
  INPUT_PARAMS,
  quantizeGraph,
  SOFTMAX_PARAMS,
  transposeLastToFirst,
} from '../../../../server/src/engine/export/quantize-graph.js';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { mulberry32 } from '../../../harness/random-archs.js';
import { randomBatchNorm, randomCalibration, randomGraph, randomParams } from './support.js';

/**
 * The int8 arithmetic on hand-made tensors, against the TFLite quantisation spec and the
 * converter's quantization_utils.cc (std::round, narrow-range symmetric weights, zero points of
 * asymmetric activations nudged into [−128, 127], int32 biases at input_scale × weight_scale).
 */
describe('rounding', () => {
  it('rounds halves away from zero, as std::round (Math.round would send −2.5 to −2)', () => {
    expect([2.5, -2.5, 0.5, -0.5, 1.5, -1.5, 1.4999, -1.4999, 0].map(roundHalfAwayFromZero)).toEqual([
      3, -3, 1, -1, 2, -2, 1, -1, 0,
    ]);
    expect(Math.round(-2.5)).toBe(-2);
  });
});

describe('activations: per-tensor asymmetric int8', () => {
  it('[0, 1] (the normalised input): scale 1/255, zero point −128, so int8 = pixel − 128 exactly', () => {
    const p = activationParams(0, 1);
    expect(p).toEqual({ scale: Math.fround(1 / 255), zeroPoint: -128 });
    expect(p).toEqual(INPUT_PARAMS);
    for (let v = 0; v < 256; v++) expect(quantizeValue(v / 255, p)).toBe(v - 128);
  });

  it('widens the range to include 0 (so zero padding and ReLU are exact)', () => {
    expect(activationParams(2, 5)).toEqual({ scale: Math.fround(5 / 255), zeroPoint: -128 });
    expect(activationParams(-3, -1)).toEqual({ scale: Math.fround(3 / 255), zeroPoint: 127 });
    const p = activationParams(-1.3, 4.2);
    expect(quantizeValue(0, p)).toBe(p.zeroPoint);
    expect(dequantizeValue(p.zeroPoint, p)).toBe(0);
  });

  it('nudges the zero point by rounding −128 − min/scale half away from zero', () => {
    // [−1, 1]: scale 2/255, zero point from min = −128 + 127.5 = −0.5 → −1 (std::round), not 0.
    expect(activationParams(-1, 1)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: -1 });
    const p = activationParams(-0.75, 2.25); // scale 3/255; −128 + 63.75 = −64.25 → −64
    expect(p.zeroPoint).toBe(-64);
  });

  it('clamps values outside the range and gives an empty range scale 1', () => {
    const p = activationParams(0, 1);
    expect(quantizeValue(7, p)).toBe(127);
    expect(quantizeValue(-7, p)).toBe(-128);
    expect(activationParams(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it("softmax output: TFLite's fixed scale 1/256 and zero point −128", () => {
    expect(SOFTMAX_PARAMS).toEqual({ scale: 0.00390625, zeroPoint: -128 });
  });
});

describe('weights: symmetric int8 in [−127, 127]', () => {
  // Two output channels of three weights each.
  const first = [0.5, -1, 0.25, 2, 1, -0.5];

  it('per channel (conv, channel first): scale = max|w| / 127 per channel, halves away from zero', () => {
    const q = quantizePerChannelFirst(first, 2);
    expect(q.scales).toEqual([Math.fround(1 / 127), Math.fround(2 / 127)]);
    // 0.5·127 = 63.5 → 64; 0.25·127 = 31.75 → 32; 1·63.5 → 64; −0.5·63.5 = −31.75 → −32.
    expect(Array.from(q.data)).toEqual([64, -127, 32, 127, 64, -32]);
  });

  it('per channel (depthwise, channel last) gives the same numbers for the interleaved layout', () => {
    const last = [0.5, 2, -1, 1, 0.25, -0.5];
    const q = quantizePerChannelLast(last, 2);
    expect(q.scales).toEqual([Math.fround(1 / 127), Math.fround(2 / 127)]);
    expect(Array.from(q.data)).toEqual([64, 127, -127, 64, 32, -32]);
  });

  it('per tensor (fully connected): one scale for all', () => {
    const q = quantizePerTensor(first);
    expect(q.scales).toEqual([Math.fround(2 / 127)]);
    expect(Array.from(q.data)).toEqual([32, -64, 16, 127, 64, -32]);
  });

  it('never uses −128 (narrow range), and an all-zero channel gets scale 1', () => {
    const q = quantizePerChannelFirst([-1, 1, 0, 0], 2);
    expect(Math.min(...q.data)).toBe(-127);
    expect(q.scales[1]).toBe(1);
    expect(Array.from(q.data.subarray(2))).toEqual([0, 0]);
  });
});

describe('biases: int32, zero point 0, scale = input scale × weight scale', () => {
  it('per channel, rounding half away from zero', () => {
    const scales = biasScales(0.5, [0.25, 0.125]);
    expect(scales).toEqual([0.125, 0.0625]);
    expect(Array.from(quantizeBias([0.0625, -0.09375], scales))).toEqual([1, -2]); // 0.5 → 1, −1.5 → −2
    expect(Array.from(quantizeBias([1, -1], [0.5]))).toEqual([2, -2]);
  });

  it('stores the float32 product TFLite compares against (|bias_scale − in·w| ≤ 1e−6·…)', () => {
    const rng = mulberry32(1);
    for (let i = 0; i < 100; i++) {
      const inScale = Math.fround(rng.next() / 10);
      const w = Math.fround(rng.next() / 100);
      const [s] = biasScales(inScale, [w]);
      expect(s).toBe(Math.fround(inScale * w));
      expect(Math.abs(s! - inScale * w)).toBeLessThanOrEqual(1e-6 * Math.min(s!, inScale * w));
    }
  });

  it('clamps to int32', () => {
    expect(Array.from(quantizeBias([1e12, -1e12], [1e-3]))).toEqual([2147483647, -2147483648]);
  });
});

describe('batch norm folding', () => {
  it('conv/dense then BN equals the folded layer (dense 3 → 2, Keras [in, out] layout)', () => {
    const rng = mulberry32(2);
    const kernel = [0.3, -0.2, 0.5, 0.1, -0.4, 0.7];
    const bias = [0.05, -0.1];
    const bn = randomBatchNorm(rng, 2);
    const folded = foldBatchNorm(kernel, bias, bn, (i) => i % 2);
    const { multiplier, offset } = batchNormAffine(bn);
    for (let t = 0; t < 20; t++) {
      const x = [rng.next() * 2 - 1, rng.next() * 2 - 1, rng.next() * 2 - 1];
      for (let o = 0; o < 2; o++) {
        let z = bias[o]!;
        let f = folded.bias[o]!;
        for (let i = 0; i < 3; i++) {
          z += x[i]! * kernel[i * 2 + o]!;
          f += x[i]! * folded.weights[i * 2 + o]!;
        }
        const reference =
          (bn.gamma[o]! * (z - bn.mean[o]!)) / Math.sqrt(bn.variance[o]! + bn.epsilon) + bn.beta[o]!;
        expect(f).toBeCloseTo(reference, 12);
        expect(z * multiplier[o]! + offset[o]!).toBeCloseTo(reference, 12);
      }
    }
  });
});

describe('quantizeGraph', () => {
  it('lays conv weights out OHWI, depthwise 1HWC (axis 3), dense [out, in]; biases per channel / per tensor', () => {
    const b = new GraphBuilder([4, 4, 2]);
    b.add({
      kind: 'conv2d',
      filters: 3,
      kernel: [2, 2],
      stride: [1, 1],
      padding: 'valid',
      activation: 'relu',
      batchnorm: false,
    });
    b.add({
      kind: 'dwconv2d',
      kernel: [2, 2],
      stride: [1, 1],
      padding: 'valid',
      multiplier: 1,
      activation: 'none',
      batchnorm: false,
    });
    b.add({ kind: 'flatten' });
    b.add({ kind: 'dense', units: 2, activation: 'none', batchnorm: false });
    const g = b.build();
    const params = randomParams(g, mulberry32(4));
    const m = quantizeGraph(g, params, randomCalibration(g, mulberry32(5)));
    const byName = new Map(m.tensors.map((t) => [t.name, t]));
    const convW = byName.get('conv2d_0/weights')!;
    expect(convW.shape).toEqual([3, 2, 2, 2]);
    expect(convW.quantization!.axis).toBe(0);
    expect(convW.quantization!.scale).toHaveLength(3);
    const k = params.get(1)!.kernel!; // Keras [kh, kw, cin, cout]
    const s = convW.quantization!.scale;
    // OHWI element (o, h, w, i) is Keras (h, w, i, o).
    for (let o = 0; o < 3; o++)
      for (let h = 0; h < 2; h++)
        for (let w = 0; w < 2; w++)
          for (let i = 0; i < 2; i++) {
            expect(convW.data![((o * 2 + h) * 2 + w) * 2 + i]).toBe(
              Math.max(-127, Math.min(127, roundHalfAwayFromZero(k[((h * 2 + w) * 2 + i) * 3 + o]! / s[o]!))),
            );
          }
    const dwW = byName.get('dwconv2d_0/weights')!;
    expect(dwW.shape).toEqual([1, 2, 2, 3]);
    expect(dwW.quantization!.axis).toBe(3);
    const fcW = byName.get('dense_0/weights')!;
    expect(fcW.shape).toEqual([2, 12]);
    expect(fcW.quantization!.scale).toHaveLength(1);
    expect(byName.get('dense_0/bias')!.type).toBe('int32');
    expect(byName.get('dense_0/bias')!.quantization!.scale).toEqual(
      biasScales(byName.get('flatten_0')!.quantization!.scale[0]!, fcW.quantization!.scale),
    );
    expect(transposeLastToFirst([1, 2, 3, 4, 5, 6], 3)).toEqual(Float64Array.from([1, 4, 2, 5, 3, 6]));
  });

  it('ties pooling, reshape and concatenation to one set of parameters, the union of their ranges', () => {
    const b = new GraphBuilder([8, 8, 1]);
    const c1 = b.add({
      kind: 'conv2d',
      filters: 2,
      kernel: [1, 1],
      stride: [1, 1],
      padding: 'valid',
      activation: 'none',
      batchnorm: false,
    })!;
    const c2 = b.add(
      {
        kind: 'conv2d',
        filters: 2,
        kernel: [1, 1],
        stride: [1, 1],
        padding: 'valid',
        activation: 'relu',
        batchnorm: false,
      },
      [0],
    )!;
    const cat = b.add({ kind: 'concat' }, [c1, c2])!;
    const pool = b.add({ kind: 'pool', type: 'max', size: [2, 2], stride: [2, 2], padding: 'valid' })!;
    const other = b.add({
      kind: 'conv2d',
      filters: 2,
      kernel: [1, 1],
      stride: [1, 1],
      padding: 'valid',
      activation: 'none',
      batchnorm: false,
    })!;
    const g = b.build();
    const ranges = new Map([
      [0, { min: 0, max: 1 }],
      [c1, { min: -2, max: 1 }],
      [c2, { min: 0, max: 3 }],
      [cat, { min: -1, max: 2 }],
      [pool, { min: -1, max: 2 }],
      [other, { min: -5, max: 5 }],
    ]);
    const q = activationQuantization(g, { ranges });
    const union = activationParams(-2, 3);
    expect([q[c1], q[c2], q[cat], q[pool]]).toEqual([union, union, union, union]);
    expect(q[other]).toEqual(activationParams(-5, 5));
    expect(q[0]).toEqual(INPUT_PARAMS);
  });

  it('writes operators in the RAM-optimal order of the tflm estimate; every activation in graph order', () => {
    const rng = mulberry32(9);
    for (let i = 0; i < 30; i++) {
      const g = randomGraph(rng);
      const m = quantizeGraph(g, randomParams(g, rng), randomCalibration(g, rng));
      const order = estimate(g, { convention: 'tflm' }).order;
      const outputs = m.operators.map((o) => m.tensors[o.outputs[0]!]!.name);
      const expected = order.flatMap((id) => {
        const n = g.nodes[id]!;
        return n.op.kind === 'batchnorm' ? [`${n.name}/mul`, n.name] : [n.name];
      });
      expect(outputs).toEqual(expected);
      const acts = m.tensors
        .map((t, k) => ({ t, k }))
        .filter(({ t }) => !t.data && !t.name.endsWith('/mul'))
        .map(({ k }) => k);
      expect(acts).toEqual([...acts].sort((a, b2) => a - b2));
    }
  });

  it('says which layer lacks weights', () => {
    const b = new GraphBuilder([4, 4, 1]);
    b.add({
      kind: 'conv2d',
      filters: 1,
      kernel: [1, 1],
      stride: [1, 1],
      padding: 'valid',
      activation: 'none',
      batchnorm: true,
    });
    const g = b.build();
    expect(() => quantizeGraph(g, new Map(), randomCalibration(g, mulberry32(1)))).toThrow(
      /no trained weights for conv2d_0/,
    );
    const p = randomParams(g, mulberry32(1));
    p.set(1, { kernel: p.get(1)!.kernel!, bias: p.get(1)!.bias! });
    expect(() => quantizeGraph(g, p, randomCalibration(g, mulberry32(1)))).toThrow(
      /no batch norm statistics for conv2d_0/,
    );
  });
});
