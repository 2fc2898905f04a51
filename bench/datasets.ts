/**
 * Dataset throughput: how long built-in MNIST takes to load, and how fast 128-sample batches are
 * filled with and without augmentation — the data side of a training step, without tfjs.
 */
import {
  allocateBatch,
  AUGMENTATION_PRESETS,
  type Augmentation,
  createBatchIterator,
  type Dataset,
  loadDataset,
} from '../server/src/engine/data/index.js';

const BATCH = 128;

function batchesPerSecond(dataset: Dataset, augmentation: Augmentation | undefined, batches: number): number {
  const iterator = createBatchIterator(dataset.train, {
    batchSize: BATCH,
    seed: 1,
    ...(augmentation ? { augmentation } : {}),
  });
  const buffers = allocateBatch(dataset.inputShape, BATCH);
  iterator.fill(0, 0, buffers); // warm-up (and the epoch order)
  const start = performance.now();
  for (let b = 0; b < batches; b++) iterator.fill(0, b % iterator.batchesPerEpoch, buffers);
  return Math.round((batches * 1000) / (performance.now() - start));
}

export async function benchDatasets(): Promise<Record<string, unknown>> {
  const start = performance.now();
  const mnist = await loadDataset({ kind: 'mnist', seed: 0 }, { baseDir: process.cwd() });
  const loadMs = Math.round(performance.now() - start);
  const plain = batchesPerSecond(mnist, undefined, 400);
  const shift = batchesPerSecond(mnist, { shift: 2 }, 200);
  const preset = batchesPerSecond(mnist, AUGMENTATION_PRESETS.mnist, 100);
  return {
    'mnist.loadMs': loadMs,
    'mnist.trainSize': mnist.train.size,
    'mnist.batch128.plain.batchesPerSec': plain,
    'mnist.batch128.shift2.batchesPerSec': shift,
    'mnist.batch128.shift2+rot10.batchesPerSec': preset,
    'mnist.batch128.augmentationSlowdown': Math.round((plain / preset) * 10) / 10,
  };
}
