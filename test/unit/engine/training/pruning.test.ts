import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ArchGraph } from '../../../../server/src/engine/arch/graph.js';
import type { Dataset } from '../../../../server/src/engine/data/dataset.js';
import { loadDataset } from '../../../../server/src/engine/data/load-dataset.js';
import { mulberry32 } from '../../../../server/src/engine/rng/seeded-rng.js';
import { initTrainingBackend } from '../../../../server/src/engine/training/backend/index.js';
import { buildModel } from '../../../../server/src/engine/training/model-builder.js';
import { DpfPruner } from '../../../../server/src/engine/training/pruning/dpf.js';
import {
  structuredPrunable,
  unstructuredPrunable,
} from '../../../../server/src/engine/training/pruning/prunable.js';
import { cubicSparsity } from '../../../../server/src/engine/training/pruning/schedule.js';
import { copyShrunkWeights } from '../../../../server/src/engine/training/pruning/shrink.js';
import { shrinkGraph } from '../../../../server/src/engine/training/pruning/shrink-graph.js';
import type { PruningSpec } from '../../../../server/src/engine/training/pruning/spec.js';
import {
  channelNorms,
  structuredKeep,
  unstructuredMasks,
} from '../../../../server/src/engine/training/pruning/threshold.js';
import { trainCandidate } from '../../../../server/src/engine/training/trainer.js';
import { graphOfModel, trainConfig } from '../../../harness/training-fixtures.js';

/** conv → conv(bn) → dw → 1x1 → (add of two paths) → pool → dense → classifier. */
const NET = graphOfModel(`model m {
  input 12x12x2
  conv2d 6 k3 relu
  conv2d 12 k3 bn relu
  dwconv2d k3 bn relu
  conv1x1 10 relu
  add {
    path { conv1x1 8 relu }
    path { conv1x1 8 }
  }
  conv1x1 9 bn relu
  maxpool 2
  flatten
  dense 20 relu
  dense 5
  softmax
}`);
const names = (g: ArchGraph, ids: number[]) => ids.map((i) => g.nodes[i]!.name);

const randomArray = (n: number, scale: number, rng: { next(): number }) =>
  Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);

describe('which layers each pruning may touch', () => {
  it('structured: conv2d and hidden dense, not the first layer, not a path into an add, not the classifier', () => {
    expect(names(NET, structuredPrunable(NET))).toEqual(['conv2d_1', 'conv2d_2', 'conv2d_5', 'dense_0']);
  });
  it('structured: only a layer reading the input (through pooling at most) counts as the first', () => {
    const g = graphOfModel(
      'model m {\n input 12x12x1\n maxpool 2\n dwconv2d k3\n conv1x1 4 relu\n flatten\n dense 8 relu\n dense 3\n softmax\n}',
    );
    expect(names(g, structuredPrunable(g))).toEqual(['conv2d_0', 'dense_0']);
    const first = graphOfModel(
      'model m {\n input 12x12x1\n maxpool 2\n conv1x1 4 relu\n flatten\n dense 3\n}',
    );
    expect(structuredPrunable(first)).toEqual([]);
  });

  it('unstructured: every kernel but the classifier', () => {
    expect(names(NET, unstructuredPrunable(NET))).toEqual([
      'conv2d_0',
      'conv2d_1',
      'dwconv2d_0',
      'conv2d_2',
      'conv2d_3',
      'conv2d_4',
      'conv2d_5',
      'dense_0',
    ]);
  });
});

describe('the cubic ramp', () => {
  it('is 0 before the window, s_f after it, and cubic inside', () => {
    expect(cubicSparsity(1, 2, 10, 0.8)).toBe(0);
    expect(cubicSparsity(2, 2, 10, 0.8)).toBe(0);
    expect(cubicSparsity(6, 2, 10, 0.8)).toBeCloseTo(0.8 * (1 - 0.5 ** 3), 12);
    expect(cubicSparsity(4, 2, 10, 0.8)).toBeCloseTo(0.8 * (1 - 0.75 ** 3), 12);
    expect(cubicSparsity(10, 2, 10, 0.8)).toBe(0.8);
    expect(cubicSparsity(12, 2, 10, 0.8)).toBe(0.8);
    expect(cubicSparsity(5, 2, 10, 0.8, 0.2)).toBeCloseTo(0.8 + (0.2 - 0.8) * (1 - 3 / 8) ** 3, 12);
  });
});

describe('global magnitude thresholding', () => {
  it('unstructured: reaches the target within 1 % over tensors of different scales, taking more from the small ones', () => {
    const r = mulberry32(5);
    const tensors = [randomArray(3000, 1, r), randomArray(5000, 0.1, r), randomArray(700, 3, r)];
    for (const s of [0.2, 0.5, 0.9, 0.98]) {
      const masks = unstructuredMasks(tensors, s);
      const zeros = masks.map((m) => m.reduce((z, x) => z + (x === 0 ? 1 : 0), 0));
      const total = tensors.reduce((a, t) => a + t.length, 0);
      expect(Math.abs(zeros.reduce((a, b) => a + b) / total - s)).toBeLessThan(0.01);
      // Global: the small-scale tensor loses a larger share than the large-scale one.
      expect(zeros[1]! / 5000).toBeGreaterThan(zeros[2]! / 700);
      // Every kept weight is at least as large as every removed one.
      let maxRemoved = 0;
      let minKept = Infinity;
      tensors.forEach((t, k) =>
        t.forEach((w, i) => {
          if (masks[k]![i] === 0) maxRemoved = Math.max(maxRemoved, Math.abs(w));
          else minKept = Math.min(minKept, Math.abs(w));
        }),
      );
      expect(maxRemoved).toBeLessThanOrEqual(minKept);
    }
  });

  it('structured: removes the lowest-norm channels over all layers and reaches the target within 1 %', () => {
    const r = mulberry32(9);
    const layers = [
      { channels: 64, fanIn: 27, scale: 1 },
      { channels: 128, fanIn: 9, scale: 0.5 },
      { channels: 96, fanIn: 16, scale: 2 },
    ].map((l) => {
      const kernel = randomArray(l.channels * l.fanIn, l.scale, r);
      return { norms: channelNorms(kernel, l.channels), fanIn: l.fanIn };
    });
    const total = layers.reduce((a, l) => a + l.norms.length * l.fanIn, 0);
    for (const s of [0.1, 0.4, 0.8]) {
      const keep = structuredKeep(layers, s);
      const removed = keep.reduce(
        (a, k, i) => a + k.reduce((z, x) => z + (x ? 0 : 1), 0) * layers[i]!.fanIn,
        0,
      );
      expect(Math.abs(removed / total - s)).toBeLessThan(0.01);
      for (const k of keep) expect(k.some((x) => x === 1)).toBe(true);
    }
  });

  it('channel norms are per output channel (the last axis)', () => {
    // 2 positions × 3 channels, channel-fastest.
    const n = channelNorms(Float32Array.from([3, 0, 1, 4, 0, 1]), 3);
    expect(Array.from(n)).toEqual([5, 0, Math.SQRT2]);
  });
});

describe('DPF on a tfjs model', () => {
  beforeAll(async () => {
    await initTrainingBackend('wasm');
  });

  const spec = (kind: PruningSpec['kind'], sparsity: number): PruningSpec => ({
    kind,
    sparsity,
    start: 2,
    end: 5,
    every: 16,
  });
  const batch = () => tf.randomNormal([4, 12, 12, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
  const lossOf = (model: tf.LayersModel, x: tf.Tensor) => () =>
    (model.apply(x, { training: true }) as tf.Tensor).square().mean() as tf.Scalar;

  it('updates the masks every 16 batches on the cubic ramp, and once more at the window end', () => {
    const model = buildModel(NET, { seed: 1 });
    const pruner = new DpfPruner(model, NET, spec('unstructured', 0.9), 6);
    const perEpoch = 20;
    const seen: [number, number][] = [];
    let last = -1;
    for (let e = 0; e < 6; e++)
      for (let b = 0; b < perEpoch; b++) {
        const t = e + b / perEpoch;
        pruner.beforeBatch(t);
        if (pruner.maskSparsity !== last) {
          seen.push([t, pruner.maskSparsity]);
          last = pruner.maskSparsity;
        }
      }
    // Window: start of epoch 2 (t0 = 1) to end of epoch 5 (tn = 5).
    for (const [t, s] of seen) expect(s).toBeCloseTo(cubicSparsity(t, 1, 5, 0.9), 12);
    const steps = seen.map(([t]) => Math.round(t * perEpoch));
    for (const st of steps.slice(0, -1)) expect(st % 16).toBe(0);
    expect(seen[seen.length - 1]).toEqual([5, 0.9]);
    pruner.endEpoch(6); // already final: no change
    expect(pruner.maskSparsity).toBe(0.9);
    const o = pruner.outcome();
    expect(Math.abs(o.sparsity - 0.9)).toBeLessThan(0.01);
    pruner.dispose();
    model.dispose();
  });

  it('sets the final masks at the end of the window even when no batch falls on it', () => {
    const model = buildModel(NET, { seed: 1 });
    const pruner = new DpfPruner(model, NET, { ...spec('structured', 0.5), start: 1, end: 2 }, 2);
    // 5 batches per epoch: progress 0, 0.2, …, 1.8 never reaches tn = 2.
    for (let e = 0; e < 2; e++) {
      for (let b = 0; b < 5; b++) pruner.beforeBatch(e + b / 5);
      expect(pruner.settled(e + 1)).toBe(e + 1 >= 2);
      pruner.endEpoch(e + 1);
    }
    expect(pruner.maskSparsity).toBe(0.5);
    expect(Math.abs(pruner.outcome().sparsity - 0.5)).toBeLessThan(0.1);
    pruner.dispose();
    model.dispose();
  });

  it('computes the gradient at the masked weights and applies it to the dense ones', async () => {
    const model = buildModel(NET, { seed: 2 });
    const pruner = new DpfPruner(model, NET, spec('unstructured', 0.5), 6);
    pruner.beforeBatch(5); // the final masks, at 50 %
    const x = batch();
    const kernel = model.getLayer('conv2d_1').weights.find((w) => w.originalName.endsWith('/kernel'))!;
    const dense = Array.from(kernel.read().dataSync());
    // The expected step: W − lr·∇L(W⊙M), the gradient taken with the masked kernels in place.
    const { grad, masked } = await pruner.withMasks(() => ({
      masked: Array.from(kernel.read().dataSync()),
      grad: tf.tidy(() => {
        const v = kernel.read() as tf.Variable;
        return tf.variableGrads(lossOf(model, x), [v]).grads[v.name]!.clone();
      }),
    }));
    const g = Array.from(grad.dataSync());
    const lr = 0.1;
    const opt = tf.train.sgd(lr);
    pruner.minimize(opt, lossOf(model, x)).dispose();
    const after = Array.from(kernel.read().dataSync());
    after.forEach((v, i) => expect(v).toBeCloseTo(dense[i]! - lr * g[i]!, 5));
    // Half the kernel was masked, yet its dense values survive and keep learning: DPF's feedback.
    const pruned = masked.map((w, i) => (w === 0 && dense[i] !== 0 ? i : -1)).filter((i) => i >= 0);
    expect(pruned.length).toBeGreaterThan(dense.length * 0.3);
    const moved = pruned.filter((i) => after[i] !== dense[i] && after[i] !== 0).length;
    expect(moved).toBeGreaterThan(pruned.length * 0.5);
    grad.dispose();
    x.dispose();
    opt.dispose();
    pruner.dispose();
    model.dispose();
  });

  it('structured: the smaller network computes what the masked one does', async () => {
    const model = buildModel(NET, { seed: 3 });
    const pruner = new DpfPruner(model, NET, spec('structured', 0.3), 6);
    // Train a few steps so batch norm has statistics and the norms differ.
    const opt = tf.train.adam(0.01);
    for (let i = 0; i < 20; i++) {
      pruner.beforeBatch(i < 10 ? 0 : 5);
      const x = batch();
      pruner.minimize(opt, lossOf(model, x)).dispose();
      x.dispose();
    }
    const keep = pruner.keptChannels();
    expect(keep.size).toBeGreaterThan(0);
    // Some layer is thinned without being emptied (the slicing is exercised, not just a 1-channel edge).
    expect([...keep.values()].some((k) => k.length > 1)).toBe(true);
    const small = shrinkGraph(NET, keep);
    const x = tf.randomUniform([8, 12, 12, 2], -1, 1, 'float32', 11);
    const masked = await pruner.withMasks(() => (model.predict(x) as tf.Tensor).arraySync() as number[][]);
    const smallModel = buildModel(small, { seed: 4 });
    await pruner.withMasks(() => copyShrunkWeights(NET, keep, model, smallModel));
    const out = (smallModel.predict(x) as tf.Tensor).arraySync() as number[][];
    masked.flat().forEach((v, i) => expect(out.flat()[i]).toBeCloseTo(v, 5));
    // Fewer channels, and the parameter count went down accordingly.
    const params = (m: tf.LayersModel) => m.countParams();
    expect(params(smallModel)).toBeLessThan(params(model));
    for (const [id, kept] of keep) {
      const op = small.nodes[id]!.op;
      expect(op.kind === 'conv2d' ? op.filters : op.kind === 'dense' ? op.units : -1).toBe(kept.length);
    }
    x.dispose();
    opt.dispose();
    pruner.dispose();
    model.dispose();
    smallModel.dispose();
  });
});

describe('training with pruning (MNIST subset)', () => {
  let data: Dataset;
  beforeAll(async () => {
    await initTrainingBackend('wasm');
    data = await loadDataset({ kind: 'mnist', subset: 600, validation: 0.2, seed: 1 }, { baseDir: '.' });
  });
  const CFG = trainConfig({ epochs: 3, batch: 32, lr: 0.003 });
  const MNIST = graphOfModel(
    'model m {\n input 28x28x1\n conv2d 8 k3 s2 relu\n conv2d 16 k3 bn relu\n maxpool 2\n flatten\n dense 24 relu\n dense 10\n softmax\n}',
  );

  it('structured: returns the smaller network, its best epoch after the window, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const r = await trainCandidate(MNIST, data, CFG, {
      seed: 1,
      keepModel: true,
      pruning: { kind: 'structured', sparsity: 0.5, start: 1, end: 2, every: 16 },
    });
    expect(r.status).toBe('trained');
    if (r.status !== 'trained') return;
    expect(r.bestEpoch).toBeGreaterThanOrEqual(2);
    const channels = r.pruning!.channels!;
    expect(Object.keys(channels).sort()).toEqual(['conv2d_1', 'dense_0']);
    expect(Math.abs(r.pruning!.sparsity - 0.5)).toBeLessThan(0.05);
    const conv = r.model!.getLayer('conv2d_1').getWeights()[0]!;
    expect(conv.shape[3]).toBe(channels.conv2d_1);
    expect(r.model!.getLayer('dense_0').getWeights()[0]!.shape[1]).toBe(channels.dense_0);
    expect(r.accuracy).toBeGreaterThan(0.3);
    r.model!.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('unstructured: keeps the dense shapes and zeroes the target share of weights', async () => {
    const r = await trainCandidate(MNIST, data, CFG, {
      seed: 2,
      keepModel: true,
      pruning: { kind: 'unstructured', sparsity: 0.8, start: 1, end: 2, every: 16 },
    });
    expect(r.status).toBe('trained');
    if (r.status !== 'trained') return;
    expect(r.pruning!.channels).toBeUndefined();
    const kernel = r.model!.getLayer('dense_0').getWeights()[0]!;
    expect(kernel.shape).toEqual([5 * 5 * 16, 24]);
    const zeros = r.pruning!.zeroedWeights;
    // The stored weights are the masked ones: count their zeros directly.
    let counted = 0;
    for (const name of ['conv2d_0', 'conv2d_1', 'dense_0'])
      counted += (r.model!.getLayer(name).getWeights()[0]!.dataSync() as Float32Array).filter(
        (w) => w === 0,
      ).length;
    expect(counted).toBeGreaterThanOrEqual(zeros);
    expect(Math.abs(r.pruning!.sparsity - 0.8)).toBeLessThan(0.01);
    r.model!.dispose();
  });
});
