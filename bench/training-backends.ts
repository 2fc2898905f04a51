import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../server/src/engine/training/backend/backend-selection.js';
import { referenceNetwork } from './training-networks.js';
import { samplesPerSec } from './training-step.js';

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
    const { graph } = referenceNetwork();
    const wasm = await samplesPerSec(graph, batchSize, warmupBatches, wasmBatches);
    await initTrainingBackend('cpu');
    const cpu = await samplesPerSec(graph, batchSize, 0, cpuBatches);
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
