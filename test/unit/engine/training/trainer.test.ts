import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../../server/src/engine/arch/builder.js';
import type { ArchGraph } from '../../../../server/src/engine/arch/graph.js';
import type { Dataset } from '../../../../server/src/engine/data/dataset.js';
import { loadDataset } from '../../../../server/src/engine/data/load-dataset.js';
import { mulberry32 } from '../../../../server/src/engine/rng/seeded-rng.js';
import { randomGraph } from '../../../support/random-graph.js';
import { initTrainingBackend } from '../../../../server/src/engine/training/backend/index.js';
import { buildModel, layerShapes } from '../../../../server/src/engine/training/model-builder.js';
import {
  epochsWithin,
  learningRate,
  trainCandidate,
} from '../../../../server/src/engine/training/trainer.js';
import { graphOfModel, trainConfig } from '../../../harness/training-fixtures.js';

const CFG = trainConfig({ epochs: 1, batch: 64, lr: 0.003 });

const SMALL = graphOfModel(
  'model m {\n input 28x28x1\n conv2d 8 k3 s2 relu\n dwconv2d k3 bn relu\n conv1x1 16 relu\n maxpool 2\n flatten\n dense 10\n softmax\n}',
);

describe('model builder', () => {
  beforeAll(async () => {
    await initTrainingBackend('wasm');
  });

  it('builds every node with the shape the resource model computed (200 random graphs)', () => {
    const rng = mulberry32(7);
    for (let i = 0; i < 200; i++) {
      const g = randomGraph(rng);
      const model = buildModel(g);
      const shapes = layerShapes(model, g);
      for (const n of g.nodes) expect([n.id, shapes.get(n.id)]).toEqual([n.id, [...n.shape]]);
      model.dispose();
    }
  });
});

describe('trainer (wasm)', () => {
  let data: Dataset;
  beforeAll(async () => {
    await initTrainingBackend('wasm');
    data = await loadDataset({ kind: 'mnist', subset: 2000, validation: 0.1, seed: 1 }, { baseDir: '.' });
  });

  it('trains a small CNN on 2,000 MNIST images for one epoch well above chance', async () => {
    const r = await trainCandidate(SMALL, data, CFG, { seed: 1, test: true });
    expect(r.status).toBe('trained');
    if (r.status !== 'trained') return;
    // Chance is 10 %; this net reaches ~75 % here. 50 % leaves room for other seeds and backends.
    expect(r.testAccuracy).toBeGreaterThan(0.5);
    expect(r.curve).toHaveLength(1);
  });

  it('leaks no tensors over 20 candidates', async () => {
    const tiny = {
      ...data,
      train: { ...data.train, rows: data.train.rows.subarray(0, 128), size: 128 },
      validation: { ...data.validation, rows: data.validation.rows.subarray(0, 64), size: 64 },
    };
    const rng = mulberry32(3);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const g = randomGraph(rng);
      // Random graphs take their own input sizes; give them MNIST's.
      const r = await trainCandidate(
        i % 2 ? SMALL : rebased(g),
        tiny,
        { ...CFG, batch: 32, weightDecay: i % 3 ? 0 : 1e-4 },
        { seed: i },
      );
      expect(r.status).toBe('trained');
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('marks a diverging candidate failed instead of crashing', async () => {
    // lr 1e39 overflows float32: the weights go to Inf on the first step, as a real divergence ends.
    const g = graphOfModel('model m { input 28x28x1; flatten; dense 10; softmax }');
    const r = await trainCandidate(g, data, { ...CFG, optimizer: 'sgd', lr: 1e39, momentum: 0 }, { seed: 1 });
    expect(r.status).toBe('failed');
    if (r.status === 'failed')
      expect(r.reason).toMatch(
        /^training diverged: (loss is (NaN|Infinity)|weights became NaN\/Inf) in epoch 1$/,
      );
  });

  it('with a time bound, shortens its schedule to the epochs that fit', async () => {
    const reports: { epoch: number; epochs: number }[] = [];
    // 50 epochs cannot fit in a millisecond: after the first, the schedule ends where it stands.
    const r = await trainCandidate(
      SMALL,
      data,
      { ...CFG, epochs: 50, seconds: 0.001 },
      { seed: 1, onEpoch: (e) => reports.push(e) },
    );
    expect(r.status).toBe('trained');
    expect(reports).toEqual([expect.objectContaining({ epoch: 1, epochs: 1 })]);
    // A generous bound leaves `epochs` as the limit.
    const loose: number[] = [];
    await trainCandidate(
      SMALL,
      data,
      { ...CFG, epochs: 2, seconds: 3600 },
      {
        seed: 1,
        onEpoch: (e) => loose.push(e.epochs),
      },
    );
    expect(loose).toEqual([2, 2]);
  });

  it('stops cleanly when cancelled and leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    const abort = new AbortController();
    const p = trainCandidate(
      SMALL,
      data,
      { ...CFG, epochs: 5 },
      { seed: 1, signal: abort.signal, onEpoch: () => undefined },
    );
    setTimeout(() => abort.abort(), 50);
    const r = await p;
    expect(r.status).toBe('cancelled');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('epochs within a time bound', () => {
  it('fits whole epochs at the mean epoch time, never fewer than done nor more than the maximum', () => {
    expect(epochsWithin(100, 10, 1, 50)).toBe(10);
    expect(epochsWithin(100, 30, 2, 50)).toBe(6);
    expect(epochsWithin(100, 90, 3, 50)).toBe(3);
    expect(epochsWithin(100, 200, 4, 50)).toBe(4);
    expect(epochsWithin(1000, 10, 1, 50)).toBe(50);
    expect(epochsWithin(100, 0, 1, 50)).toBe(50);
  });
});

describe('learning-rate schedules', () => {
  it('constant, cosine and step', () => {
    expect(learningRate(0.1, { kind: 'constant' }, 5, 10)).toBe(0.1);
    expect(learningRate(0.1, { kind: 'cosine' }, 0, 10)).toBeCloseTo(0.1);
    expect(learningRate(0.1, { kind: 'cosine' }, 5, 10)).toBeCloseTo(0.05);
    const step = {
      kind: 'step' as const,
      steps: [
        { epoch: 15, lr: 0.005 },
        { epoch: 30, lr: 0.001 },
      ],
    };
    expect([0, 13, 14, 28, 29, 40].map((e) => learningRate(0.01, step, e, 45))).toEqual([
      0.01, 0.01, 0.005, 0.005, 0.001, 0.001,
    ]);
  });
});

/** The same layers on a 28×28×1 input (random graphs draw their own input shape). */
function rebased(g: ArchGraph): ArchGraph {
  const b = new GraphBuilder([28, 28, 1]);
  const map = new Map<number, number>([[0, 0]]);
  for (const n of g.nodes.slice(1)) {
    const id = b.add(
      n.op,
      n.inputs.map((i) => map.get(i)!),
    );
    if (id === undefined) return SMALL;
    map.set(n.id, id);
  }
  return b.build();
}
