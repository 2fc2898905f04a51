import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveTfjsModel } from '../../../../server/src/engine/training/saved-model.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { genotypeToGraph, type Genotype } from '../../../../server/src/engine/search/genotype.js';
import { alignLists, inheritancePairs } from '../../../../server/src/engine/search/inheritance.js';
import {
  inheritWeights,
  readSavedWeights,
  transferTensor,
} from '../../../../server/src/engine/training/inherit-weights.js';
import { buildModel } from '../../../../server/src/engine/training/model-builder.js';
import { continuedJob } from '../../../../server/src/engine/runs/inheritance-plan.js';
import type { TrainJob } from '../../../../server/src/engine/training/worker-protocol.js';

const conv = (filters: number, kernel = 3) =>
  ({
    type: 'conv2d',
    filters,
    kernel,
    stride: 1,
    padding: 'valid',
    prepool: false,
    batchnorm: true,
    relu: true,
  }) as const;
const dw = {
  type: 'dwconv2d',
  kernel: 3,
  stride: 1,
  padding: 'valid',
  prepool: false,
  batchnorm: false,
  relu: true,
} as const;

const genotype = (blocks: Genotype['blocks'], dense: number[] = [12]): Genotype => ({
  input: [10, 10, 1],
  classes: 4,
  blocks,
  pool: null,
  dense,
  dropout: 0,
  prepoolSize: 2,
});

/** Trains nothing: gives every weight of a model distinct non-trivial values, as training would. */
function scramble(model: tf.LayersModel, seed: number): void {
  model.setWeights(
    model.getWeights().map((w, i) => tf.randomUniform(w.shape, 0.2, 1.2, 'float32', seed + i)),
  );
}

async function saved(g: Genotype, seed: number) {
  const model = buildModel(genotypeToGraph(g).graph, { seed });
  scramble(model, seed);
  const dir = mkdtempSync(join(tmpdir(), 'unas-inherit-'));
  await saveTfjsModel(model, dir);
  return { model, weights: await readSavedWeights(dir) };
}

const predict = (m: tf.LayersModel, x: tf.Tensor) => Array.from((m.predict(x) as tf.Tensor).dataSync());

describe('weight inheritance', () => {
  let x: tf.Tensor;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    x = tf.randomUniform([3, 10, 10, 1], 0, 1, 'float32', 7);
  });

  it('aligns lists across one removal or insertion', () => {
    expect(alignLists([1, 2, 3], [1, 3], (a, b) => a === b)).toEqual([0, 2]);
    expect(alignLists([1, 3], [1, 2, 3], (a, b) => a === b)).toEqual([0, undefined, 1]);
    expect(alignLists([1, 2], [1, 5], (a, b) => a === b)).toEqual([0, 1]);
  });

  it('widening a conv layer preserves the function (new inputs downstream are zero)', async () => {
    const parent = genotype([{ branch: false, layers: [conv(4), conv(5)] }]);
    const child = genotype([{ branch: false, layers: [conv(7), conv(5)] }]);
    const p = await saved(parent, 1);
    const c = buildModel(genotypeToGraph(child).graph, { seed: 99 });
    const pairs = inheritancePairs(parent, child);
    expect(pairs.map((q) => [q.child, q.parent])).toEqual([
      ['conv2d_0', 'conv2d_0'],
      ['conv2d_1', 'conv2d_1'],
      ['dense_0', 'dense_0'],
      ['dense_1', 'dense_1'],
    ]);
    const before = predict(c, x);
    expect(inheritWeights(c, p.weights, pairs)).toBeGreaterThan(10);
    const after = predict(c, x);
    const want = predict(p.model, x);
    after.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    expect(before.some((v, i) => Math.abs(v - want[i]!) > 1e-3)).toBe(true);
  });

  it('an inserted layer is new; the layers around it keep their own weights', async () => {
    const parent = genotype([{ branch: false, layers: [conv(4), conv(5)] }], [12, 8]);
    const child = genotype([{ branch: false, layers: [conv(4), dw, conv(5)] }], [8]);
    const pairs = inheritancePairs(parent, child);
    // conv 1.1 ← 1.1, the depthwise is new, conv 1.3 ← 1.2; of dense [12, 8] → [8], dense 2 now
    // reads the flattened map instead of 12 units: it starts afresh.
    expect(pairs.map((q) => [q.child, q.parent])).toEqual([
      ['conv2d_0', 'conv2d_0'],
      ['conv2d_1', 'conv2d_1'],
      ['dense_1', 'dense_2'],
    ]);
    const p = await saved(parent, 2);
    const c = buildModel(genotypeToGraph(child).graph, { seed: 5 });
    inheritWeights(c, p.weights, pairs);
    const k = (m: tf.LayersModel, name: string) => Array.from(m.getLayer(name).getWeights()[0]!.dataSync());
    expect(k(c, 'conv2d_0')).toEqual(k(p.model, 'conv2d_0'));
    // The parent's second conv read 4 channels of an 8×8 map; so does the child's (after the depthwise).
    expect(k(c, 'conv2d_1')).toEqual(k(p.model, 'conv2d_1'));
    expect(k(c, 'dense_0')).not.toEqual(k(p.model, 'dense_1'));
    expect(k(c, 'dense_1')).toEqual(k(p.model, 'dense_2'));
  });

  it('a promoted candidate resumes as itself: every weight, batch norm and branch restored', async () => {
    const g = genotype([
      { branch: false, layers: [conv(4), dw] },
      { branch: true, layers: [conv(3, 5)] },
    ]);
    const graph = genotypeToGraph(g).graph;
    const p = await saved(g, 3);
    const c = buildModel(graph, { seed: 42 });
    const job = continuedJob({ id: 1, graph } as TrainJob, '/unused');
    const copied = inheritWeights(c, p.weights, job.inherit!.pairs);
    expect(copied).toBe(c.getWeights().length);
    const want = predict(p.model, x);
    predict(c, x).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });

  it('slices a narrowed layer and centres a grown kernel', () => {
    const parent = Float32Array.from({ length: 3 * 3 }, (_, i) => i + 1);
    const grown = new Float32Array(5 * 5).fill(-1);
    transferTensor(grown, [5, 5], parent, [3, 3], ['center', 'center']);
    expect(Array.from(grown.slice(5, 10))).toEqual([0, 1, 2, 3, 0]);
    expect(grown[0]).toBe(0);
    const narrowed = new Float32Array(2).fill(-1);
    transferTensor(narrowed, [1, 2], Float32Array.from([1, 2, 3]), [1, 3], ['in', 'out']);
    expect(Array.from(narrowed)).toEqual([1, 2]);
    const wider = new Float32Array(4).fill(-1);
    transferTensor(wider, [2, 2], Float32Array.from([1, 2]), [1, 2], ['in', 'out']);
    // A new input row is zero; an old input's new output keeps its initialisation (-1 here).
    expect(Array.from(wider)).toEqual([1, 2, 0, 0]);
    const newOut = new Float32Array(3).fill(-1);
    transferTensor(newOut, [1, 3], Float32Array.from([1, 2]), [1, 2], ['in', 'out']);
    expect(Array.from(newOut)).toEqual([1, 2, -1]);
  });

  it('reports an unreadable weights folder with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unas-inherit-bad-'));
    await expect(readSavedWeights(dir)).rejects.toThrow(dir);
  });
});
