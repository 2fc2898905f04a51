import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../server/src/engine/data/load-dataset.js';
import { initTrainingBackend } from '../server/src/engine/training/backend/index.js';
import { trainCandidate } from '../server/src/engine/training/trainer.js';
import { graphOfModel, trainConfig } from '../test/harness/training-fixtures.js';

/** A reference CNN trained on the full MNIST training split (goal: ≥ 98.5 % test accuracy), with its wall time. */
const REFERENCE = `model reference {
  input 28x28x1
  conv2d 16 k3 bn relu
  conv2d 32 k3 s2 bn relu
  conv2d 32 k3 bn relu
  conv2d 64 k3 s2 bn relu
  flatten
  dense 10
  softmax
}`;

export async function benchTrainingReference(): Promise<Record<string, unknown>> {
  const backend = await initTrainingBackend('auto');
  const graph = graphOfModel(REFERENCE);
  const data = await loadDataset({ kind: 'mnist', validation: 0.1, seed: 1 }, { baseDir: process.cwd() });
  const epochs = 2;
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  const r = await trainCandidate(
    graph,
    data,
    trainConfig({ epochs, batch: 128, lr: 0.003, schedule: { kind: 'cosine' } }),
    { seed: 1, test: true },
  );
  const seconds = (performance.now() - t0) / 1000;
  // Other suites of the same process may hold tensors: count only what this training left.
  const leaked = tf.memory().numTensors - before;
  if (r.status !== 'trained')
    return {
      backend: backend.name,
      status: r.status,
      ...(r.status === 'failed' ? { reason: r.reason } : {}),
    };
  return {
    backend: backend.name,
    model: 'conv16-conv32/2-conv32-conv64/2-dense10 with BN',
    trainImages: data.train.size,
    epochs,
    validationAccuracy: r.accuracy,
    testAccuracy: r.testAccuracy,
    goalTestAccuracy: 0.985,
    wallSeconds: Math.round(seconds),
    tensorsLeaked: leaked,
  };
}
