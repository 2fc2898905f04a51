import * as tf from '@tensorflow/tfjs';
import { mulberry32 as seededRng } from '../../../../server/src/engine/rng/seeded-rng.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTrainingBackend } from '../../../../server/src/engine/training/backend/backend-selection.js';
import {
  registerWasmGradientKernels,
  wasmKernelFixes,
} from '../../../../server/src/engine/training/backend/wasm-gradient-kernels.js';

// Each wasm result must match the cpu backend within TOLERANCE × max(1, max |cpu value|): float32 sums of
// a few hundred products differ by rounding order only, far below this.
const TOLERANCE = 1e-4;

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  batch: number;
  h: number;
  w: number;
  inC: number;
  outC: number;
  mult: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  pad: Pad;
  /** Dilation of the depthwise kernels (stride 1 only, as tfjs requires). */
  dilation?: number;
}

const mulberry32 = (seed: number): (() => number) => seededRng(seed).next;

/**
 * ≥ 30 seeded shapes over strides 1–3, same/valid/explicit pads, kernels 1–7, multipliers 1–3, batch 1–3,
 * then wide ones: channels up to 64 (every SIMD block and tail of the kernels), dilations 1–3.
 */
function makeCases(): Case[] {
  const rand = mulberry32(20240611);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const cases: Case[] = [
    // Hand-picked corners: kernel larger than the image, stride larger than the kernel, odd sizes.
    { batch: 2, h: 5, w: 4, inC: 2, outC: 3, mult: 2, kh: 7, kw: 7, sh: 1, sw: 1, pad: 'same' },
    { batch: 1, h: 7, w: 7, inC: 3, outC: 2, mult: 1, kh: 1, kw: 1, sh: 3, sw: 3, pad: 'same' },
    { batch: 3, h: 7, w: 9, inC: 2, outC: 2, mult: 3, kh: 1, kw: 2, sh: 2, sw: 3, pad: 'valid' },
    { batch: 2, h: 14, w: 14, inC: 4, outC: 4, mult: 1, kh: 3, kw: 3, sh: 2, sw: 2, pad: 'same' },
    {
      batch: 1,
      h: 6,
      w: 6,
      inC: 1,
      outC: 1,
      mult: 1,
      kh: 2,
      kw: 2,
      sh: 1,
      sw: 1,
      pad: [
        [0, 0],
        [3, 0],
        [0, 2],
        [0, 0],
      ],
    },
    // Pointwise convolutions take a matrix-product route, transposing x or dy, whichever is smaller.
    { batch: 3, h: 5, w: 6, inC: 2, outC: 4, mult: 1, kh: 1, kw: 1, sh: 1, sw: 1, pad: 'same' },
    { batch: 1, h: 4, w: 3, inC: 4, outC: 3, mult: 2, kh: 1, kw: 1, sh: 1, sw: 1, pad: 'valid' },
    {
      batch: 2,
      h: 4,
      w: 4,
      inC: 3,
      outC: 2,
      mult: 1,
      kh: 1,
      kw: 1,
      sh: 1,
      sw: 1,
      pad: [
        [0, 0],
        [0, 2],
        [1, 0],
        [0, 0],
      ],
    },
  ];
  for (let i = 0; cases.length < 40; i++) {
    const kh = int(1, 7);
    const kw = rand() < 0.7 ? kh : int(1, 7);
    const sh = int(1, 3);
    const sw = rand() < 0.7 ? sh : int(1, 3);
    const r = rand();
    const pad: Pad =
      r < 0.45
        ? 'same'
        : r < 0.9
          ? 'valid'
          : [
              [0, 0],
              [int(0, kh), int(0, kh)],
              [int(0, kw), int(0, kw)],
              [0, 0],
            ];
    const minH = pad === 'valid' ? kh : 1;
    const minW = pad === 'valid' ? kw : 1;
    cases.push({
      batch: rand() < 0.3 ? 1 : int(2, 3),
      h: int(minH, Math.max(minH, 12)),
      w: int(minW, Math.max(minW, 12)),
      inC: int(1, 4),
      outC: int(1, 4),
      mult: int(1, 3),
      kh,
      kw,
      sh,
      sw,
      pad,
    });
  }
  while (cases.length < 52) {
    const kh = int(1, 3);
    const kw = rand() < 0.7 ? kh : int(1, 3);
    const dilation = rand() < 0.5 ? int(2, 3) : 1;
    const sh = dilation > 1 ? 1 : int(1, 2);
    const sw = dilation > 1 ? 1 : int(1, 2);
    const pad: Pad = rand() < 0.5 ? 'same' : 'valid';
    const minH = pad === 'valid' ? (kh - 1) * dilation + 1 : 1;
    const minW = pad === 'valid' ? (kw - 1) * dilation + 1 : 1;
    cases.push({
      batch: int(1, 2),
      h: int(minH, Math.max(minH, 7)),
      w: int(minW, Math.max(minW, 9)),
      inC: int(1, 64),
      outC: int(1, 64),
      mult: int(1, 2),
      kh,
      kw,
      sh,
      sw,
      pad,
      dilation,
    });
  }
  return cases;
}

function randomArray(rand: () => number, shape: number[]): { values: Float32Array; shape: number[] } {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rand() * 2 - 1;
  return { values, shape };
}

/** Runs `fn` on `backend` (tensors are made there from plain arrays) and returns its outputs' values. */
async function on(backend: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(fn);
  const list = Array.isArray(outs) ? outs : [outs];
  const values = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose(list);
  return values;
}

function maxDiffOverScale(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

const t4 = (a: { values: Float32Array; shape: number[] }) =>
  tf.tensor4d(a.values, a.shape as [number, number, number, number]);

describe('wasm gradient kernels match cpu', () => {
  let previous: string | undefined;
  const worst = new Map<string, number>();
  const cases = makeCases();

  beforeAll(async () => {
    previous = tf.getBackend() ?? undefined; // undefined until some backend was initialised
    await initTrainingBackend('wasm');
  });
  afterAll(async () => {
    if (previous) await tf.setBackend(previous);
    console.log('max |wasm − cpu| / scale:', Object.fromEntries(worst));
  });

  /** Compares `fn` on wasm with `fn` on cpu, or with `reference` values where cpu cannot compute them. */
  async function compare(
    name: string,
    fn: () => tf.Tensor | tf.Tensor[],
    reference?: Float32Array[],
  ): Promise<void> {
    const expected = reference ?? (await on('cpu', fn));
    const before = wasmTensorCount();
    const actual = await on('wasm', fn);
    expect(wasmTensorCount()).toBe(before); // no intermediate leaked
    expected.forEach((e, i) => {
      const d = maxDiffOverScale(actual[i]!, e);
      worst.set(name, Math.max(worst.get(name) ?? 0, d));
      expect(d, name).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it('registers every fix, once', () => {
    expect(registerWasmGradientKernels()).toEqual([]);
    for (const { config } of wasmKernelFixes) expect(tf.getKernel(config.kernelName, 'wasm')).toBe(config);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i %o', async (i, c) => {
    const rand = mulberry32(1000 + i);
    const x = randomArray(rand, [c.batch, c.h, c.w, c.inC]);
    const filter = randomArray(rand, [c.kh, c.kw, c.inC, c.outC]);
    const dwFilter = randomArray(rand, [c.kh, c.kw, c.inC, c.mult]);
    const strides: [number, number] = [c.sh, c.sw];
    const convOut = tf.tidy(() => tf.conv2d(t4(x), t4(filter), strides, c.pad).shape);
    const dilations = c.dilation ?? 1;
    const dwOut = tf.tidy(
      () => tf.depthwiseConv2d(t4(x), t4(dwFilter), strides, c.pad, 'NHWC', dilations).shape,
    );
    const dy = randomArray(rand, convOut);
    const dwDy = randomArray(rand, dwOut);
    const engine = tf.engine();

    await compare(
      'Conv2DBackpropFilter',
      () =>
        engine.runKernel(
          tf.Conv2DBackpropFilter,
          { x: t4(x), dy: t4(dy) },
          { strides, pad: c.pad, dataFormat: 'NHWC', filterShape: filter.shape },
        ) as tf.Tensor,
    );
    await compare(
      'Conv2DBackpropInput',
      () =>
        engine.runKernel(
          tf.Conv2DBackpropInput,
          { dy: t4(dy), filter: t4(filter) },
          { strides, pad: c.pad, dataFormat: 'NHWC', inputShape: x.shape },
        ) as tf.Tensor,
    );
    await compare(
      'DepthwiseConv2dNativeBackpropFilter',
      () =>
        engine.runKernel(
          tf.DepthwiseConv2dNativeBackpropFilter,
          { x: t4(x), dy: t4(dwDy) },
          { strides, dilations, pad: c.pad, filterShape: dwFilter.shape },
        ) as tf.Tensor,
      // The cpu backend's depthwise gradient kernels ignore dilations (tfjs differentiates only
      // undilated depthwise convolutions): dilated cases are checked against a plain loop instead.
      dilations > 1 ? [depthwiseGrads(x, dwDy, dwFilter, strides, dilations, c.pad).filter] : undefined,
    );
    await compare(
      'DepthwiseConv2dNativeBackpropInput',
      () =>
        engine.runKernel(
          tf.DepthwiseConv2dNativeBackpropInput,
          { dy: t4(dwDy), filter: t4(dwFilter) },
          { strides, dilations, pad: c.pad, inputShape: x.shape },
        ) as tf.Tensor,
      dilations > 1 ? [depthwiseGrads(x, dwDy, dwFilter, strides, dilations, c.pad).input] : undefined,
    );
    // Values on a 0.1 grid so pooling windows hold ties: the gradient must go to the first maximum.
    const coarse = { values: x.values.map((v) => Math.round(v * 10) / 10), shape: x.shape };
    const poolPad = typeof c.pad === 'string' ? c.pad : 'same';
    const pool: [number, number] = [Math.min(c.kh, 3), Math.min(c.kw, 3)];
    await compare('MaxPoolGrad', () => {
      const input = t4(coarse);
      const output = tf.maxPool(input, pool, strides, poolPad);
      const poolDy = tf.randomUniform(output.shape, -1, 1, 'float32', i);
      return engine.runKernel(
        tf.MaxPoolGrad,
        { dy: poolDy, input, output },
        { filterSize: pool, strides, pad: poolPad },
      ) as tf.Tensor;
    });
    await compare('AvgPoolGrad', () => {
      const input = t4(x);
      const output = tf.avgPool(input, pool, strides, poolPad);
      const poolDy = tf.randomUniform(output.shape, -1, 1, 'float32', i);
      return engine.runKernel(
        tf.AvgPoolGrad,
        { dy: poolDy, input },
        { filterSize: pool, strides, pad: poolPad },
      ) as tf.Tensor;
    });
    await compare('grad conv2d', () =>
      tf.grads((a: tf.Tensor, f: tf.Tensor) =>
        tf
          .conv2d(a as tf.Tensor4D, f as tf.Tensor4D, strides, c.pad)
          .mul(t4(dy))
          .sum(),
      )([t4(x), t4(filter)]),
    );
    if (dilations > 1) return; // tfjs has no gradient for dilated depthwise convolutions
    await compare('grad depthwiseConv2d', () =>
      tf.grads((a: tf.Tensor, f: tf.Tensor) =>
        tf
          .depthwiseConv2d(a as tf.Tensor4D, f as tf.Tensor4D, strides, c.pad)
          .mul(t4(dwDy))
          .sum(),
      )([t4(x), t4(dwFilter)]),
    );
  });

  it('the gradients of every op a μNAS model trains with match cpu', async () => {
    const X: [number, number, number, number] = [2, 7, 7, 3];
    const ops: [string, number[][], (...xs: tf.Tensor[]) => tf.Tensor][] = [
      ['relu', [X], (x) => tf.relu(x)],
      ['relu6', [X], (x) => tf.relu6(x.mul(8))],
      ['softmax', [[4, 5]], (x) => tf.softmax(x)],
      ['global avg pool', [X], (x) => tf.mean(x, [1, 2])],
      ['global max pool', [X], (x) => tf.max(x, [1, 2])],
      [
        'batchNorm (batch stats)',
        [X, [3], [3]],
        (x, o, sc) => {
          const m = tf.moments(x, [0, 1, 2]);
          return tf.batchNorm(x, m.mean, m.variance, o, sc, 1e-3);
        },
      ],
      ['maxPool 3/2 valid', [X], (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'valid')],
      ['maxPool 3/1 same', [X], (x) => tf.maxPool(x as tf.Tensor4D, 3, 1, 'same')],
      ['maxPool after relu (ties)', [X], (x) => tf.maxPool(tf.relu(x) as tf.Tensor4D, 2, 2, 'same')],
      ['avgPool 3/2 same', [X], (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same')],
      [
        'fused conv2d',
        [X, [3, 3, 3, 4], [4]],
        (x, f, b) =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: f as tf.Tensor4D,
            strides: 2,
            pad: 'same',
            bias: b,
            activation: 'relu',
          }),
      ],
      [
        'fused depthwise',
        [X, [3, 3, 3, 2], [6]],
        (x, f, b) =>
          tf.fused.depthwiseConv2d({
            x: x as tf.Tensor4D,
            filter: f as tf.Tensor4D,
            strides: 2,
            pad: 'same',
            bias: b,
            activation: 'relu6',
          }),
      ],
      [
        'fused matMul',
        [[4, 6], [6, 3], [3]],
        (a, b, c) =>
          tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation: 'relu' }),
      ],
      ['residual add', [X, X], (a, b) => tf.add(a, b)],
      ['concat', [X, X], (a, b) => tf.concat([a, b], 3)],
      [
        'softmax cross-entropy',
        [
          [4, 5],
          [4, 5],
        ],
        (a, b) => tf.losses.softmaxCrossEntropy(tf.softmax(b), a),
      ],
    ];
    for (const [name, shapes, fn] of ops) {
      const rand = mulberry32(name.length);
      const args = shapes.map((shape) => randomArray(rand, shape));
      await compare(`grad ${name}`, () => {
        const xs = args.map((a) => tf.tensor(a.values, a.shape));
        const y = fn(...xs);
        const w = tf.tensor(
          Float32Array.from({ length: y.size }, (_, i) => Math.sin(i + 1)),
          y.shape,
        );
        return [
          y,
          ...tf.grads((...a: tf.Tensor[]) =>
            fn(...a)
              .mul(w)
              .sum(),
          )(xs),
        ];
      });
    }
  });

  it('Sum, Mean, Tile, BatchMatMul, Identity and Cast match cpu on random shapes', async () => {
    const rand = mulberry32(424242);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    const engine = tf.engine();
    for (let i = 0; i < 40; i++) {
      const rank = int(1, 4);
      const shape = Array.from({ length: rank }, () => (rand() < 0.2 ? 1 : int(1, rank > 2 ? 9 : 70)));
      const x = randomArray(rand, shape);
      // Adjacent runs (the fast path), scattered axes and negative ones (the built-in kernel).
      const first = int(0, rank - 1);
      const last = int(first, rank - 1);
      const run = Array.from({ length: last - first + 1 }, (_, k) => first + k);
      const axis =
        rand() < 0.7 ? run : run.filter(() => rand() < 0.6).map((a) => (rand() < 0.3 ? a - rank : a));
      const keepDims = rand() < 0.5;
      for (const kernel of [tf.Sum, tf.Mean]) {
        await compare(
          kernel,
          () => engine.runKernel(kernel, { x: tf.tensor(x.values, shape) }, { axis, keepDims }) as tf.Tensor,
        );
      }
      // Tile: leading ones repeated (the fast path) or any repetition (the built-in kernel).
      const tileShape = shape.map((d, k) => (k < first && rand() < 0.8 ? 1 : d));
      const reps = tileShape.map((d, k) => (k < first ? int(1, 4) : rand() < 0.8 ? 1 : int(1, 3)));
      const tileX = randomArray(rand, tileShape);
      await compare(
        'Tile',
        () => engine.runKernel(tf.Tile, { x: tf.tensor(tileX.values, tileShape) }, { reps }) as tf.Tensor,
      );
      const [m, k, n, batch] = [int(1, 70), int(1, 70), int(1, 70), int(1, 3)];
      const transposeA = rand() < 0.5;
      const transposeB = rand() < 0.5;
      const a = randomArray(rand, transposeA ? [batch, k, m] : [batch, m, k]);
      const b = randomArray(rand, transposeB ? [batch, n, k] : [batch, k, n]);
      await compare(
        'BatchMatMul',
        () =>
          engine.runKernel(
            tf.BatchMatMul,
            { a: tf.tensor(a.values, a.shape), b: tf.tensor(b.values, b.shape) },
            { transposeA, transposeB },
          ) as tf.Tensor,
      );
      // Batch norm with per-channel statistics (the fast path), optional offset and scale.
      const channels = shape[rank - 1]!;
      const stats = [0, 1, 2, 3].map(() => randomArray(rand, [channels]));
      const [withOffset, withScale] = [rand() < 0.7, rand() < 0.7];
      await compare('FusedBatchNorm', () => {
        const [mean, variance, offset, scale] = stats.map((st) => tf.tensor(st.values, st.shape));
        return engine.runKernel(
          tf.FusedBatchNorm,
          {
            x: tf.tensor(x.values, shape),
            mean: mean!,
            variance: variance!.abs(),
            ...(withOffset ? { offset: offset! } : {}),
            ...(withScale ? { scale: scale! } : {}),
          },
          { varianceEpsilon: 1e-3 },
        ) as tf.Tensor;
      });
      await compare('Identity and Cast', () => {
        const t = tf.tensor(x.values, shape);
        return [
          engine.runKernel(tf.Identity, { x: t }) as tf.Tensor,
          engine.runKernel(tf.Cast, { x: t }, { dtype: 'float32' }) as tf.Tensor,
          engine.runKernel(tf.Cast, { x: t }, { dtype: 'int32' }) as tf.Tensor,
        ];
      });
    }
  });

  it('one fit step of a small CNN gives the same weights on wasm and cpu', async () => {
    const rand = mulberry32(7);
    const xs = randomArray(rand, [6, 10, 10, 2]);
    const labels = Array.from({ length: 6 }, (_, i) => i % 3);
    const build = () => {
      const init = (seed: number) => tf.initializers.glorotUniform({ seed });
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [10, 10, 2],
            filters: 4,
            kernelSize: 3,
            padding: 'same',
            activation: 'relu',
            kernelInitializer: init(1),
          }),
          tf.layers.depthwiseConv2d({
            kernelSize: 3,
            depthMultiplier: 2,
            strides: 2,
            padding: 'same',
            depthwiseInitializer: init(2),
          }),
          tf.layers.batchNormalization(),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({
            filters: 5,
            kernelSize: 1,
            strides: 1,
            padding: 'valid',
            activation: 'relu',
            kernelInitializer: init(3),
          }),
          tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(4) }),
        ],
      });
      model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
      return model;
    };
    const train = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const model = build();
      const x = t4(xs);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat();
      await model.fit(x, y, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
      const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
      tf.dispose([x, y]);
      model.dispose();
      return weights;
    };
    const cpu = await train('cpu');
    const wasm = await train('wasm');
    expect(wasm.length).toBe(cpu.length);
    cpu.forEach((w, i) => {
      const d = maxDiffOverScale(wasm[i]!, w);
      worst.set('fit step weights', Math.max(worst.get('fit step weights') ?? 0, d));
      expect(d, `weight ${i}`).toBeLessThanOrEqual(TOLERANCE);
    });
  });
});

type Array4 = { values: Float32Array; shape: number[] };

/** Both gradients of a (dilated) depthwise convolution by the definition, in doubles. */
function depthwiseGrads(
  x: Array4,
  dy: Array4,
  filter: Array4,
  strides: [number, number],
  dilation: number,
  pad: Pad,
): { filter: Float32Array; input: Float32Array } {
  const [batch, H, W, C] = x.shape as [number, number, number, number];
  const [, OH, OW, CM] = dy.shape as [number, number, number, number];
  const [kh, kw, , M] = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    [batch, H, W, C],
    [kh, kw, C, M],
    strides,
    dilation,
    pad,
    undefined,
    true,
  );
  const dW = new Float64Array(filter.values.length);
  const dX = new Float64Array(x.values.length);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++)
        for (let p = 0; p < kh; p++)
          for (let q = 0; q < kw; q++) {
            const h = i * strides[0] + p * dilation - info.padInfo.top;
            const w = j * strides[1] + q * dilation - info.padInfo.left;
            if (h < 0 || h >= H || w < 0 || w >= W) continue;
            for (let c = 0; c < C; c++)
              for (let m = 0; m < M; m++) {
                const g = dy.values[((b * OH + i) * OW + j) * CM + c * M + m]!;
                const xi = ((b * H + h) * W + w) * C + c;
                const fi = ((p * kw + q) * C + c) * M + m;
                dW[fi] = dW[fi]! + x.values[xi]! * g;
                dX[xi] = dX[xi]! + filter.values[fi]! * g;
              }
          }
  return { filter: Float32Array.from(dW), input: Float32Array.from(dX) };
}

/** Tensors alive in the wasm backend, intermediates of composite kernels included. */
function wasmTensorCount(): number {
  return tf.findBackend('wasm').numDataIds();
}
