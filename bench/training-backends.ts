import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../server/src/engine/training/backend/backend-selection.js';

/** How much training to time per backend. */
export interface TrainingBenchOptions {
  readonly batchSize?: number;
  /** Untimed batches first, on wasm (JIT, XNNPack operator set-up). */
  readonly warmupBatches?: number;
  /** Timed batches on wasm. */
  readonly wasmBatches?: number;
  /** Timed batches on cpu, without warm-up: a batch takes tens of seconds there, so warm-up is noise. */
  readonly cpuBatches?: number;
}

/** The reference μNAS-sized MNIST CNN (≈ 10 k parameters), with seeded initial weights. */
function referenceModel(): tf.Sequential {
  const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: seeded(1),
      }),
      tf.layers.depthwiseConv2d({
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        depthwiseInitializer: seeded(2),
      }),
      tf.layers.conv2d({ filters: 32, kernelSize: 1, activation: 'relu', kernelInitializer: seeded(3) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: seeded(4),
      }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: seeded(5) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** Training samples per second of the reference model on the current backend. */
async function samplesPerSec(batchSize: number, warmup: number, batches: number): Promise<number> {
  const model = referenceModel();
  const x = tf.randomUniform([batchSize, 28, 28, 1], 0, 1, 'float32', 42);
  const y = tf.oneHot(tf.randomUniform([batchSize], 0, 10, 'int32', 43), 10).toFloat();
  try {
    // trainOnBatch resolves after reading the loss back, so each step is complete when timed.
    for (let i = 0; i < warmup; i++) await model.trainOnBatch(x, y);
    const t0 = performance.now();
    for (let i = 0; i < batches; i++) await model.trainOnBatch(x, y);
    return (batches * batchSize) / ((performance.now() - t0) / 1000);
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

/**
 * Training throughput of the reference CNN on wasm and on cpu in one run (target: wasm ≥ 20× cpu).
 * Leaves the global backend as it found it.
 */
export async function benchTrainingBackends(
  options: TrainingBenchOptions = {},
): Promise<Record<string, unknown>> {
  const { batchSize = 128, warmupBatches = 2, wasmBatches = 10, cpuBatches = 1 } = options;
  const previous = tf.getBackend() ?? undefined; // unset until a backend was initialised
  try {
    const choice = await initTrainingBackend('wasm');
    const wasm = await samplesPerSec(batchSize, warmupBatches, wasmBatches);
    await initTrainingBackend('cpu');
    const cpu = await samplesPerSec(batchSize, 0, cpuBatches);
    const round = (v: number) => Math.round(v * 10) / 10;
    return {
      batchSize,
      simd: choice.simd,
      wasmSamplesPerSec: round(wasm),
      cpuSamplesPerSec: round(cpu),
      ratio: round(wasm / cpu),
      goalRatio: 20,
    };
  } finally {
    if (previous) await tf.setBackend(previous);
  }
}
