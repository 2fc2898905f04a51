import * as tf from '@tensorflow/tfjs';
import type { ArchGraph } from '../server/src/engine/arch/graph.js';
import { buildModel } from '../server/src/engine/training/model-builder.js';

/** One network ready to train on a fixed random batch, the way the trainer does it. */
export interface TrainingStep {
  /** One step: forward in training mode, clipped cross-entropy, backward, Adam; resolves when done. */
  run(): Promise<number>;
  dispose(): void;
}

/**
 * The trainer's step (server/src/engine/training/trainer.ts) on a fixed batch of random images, so the
 * benchmarks time exactly the kernels a search runs, without the data pipeline.
 */
export function trainingStep(graph: ArchGraph, batch: number): TrainingStep {
  const model = buildModel(graph, { seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const [h, w, c] = graph.nodes[0]!.shape as [number, number, number];
  const classes = graph.nodes[graph.output]!.shape[0]!;
  const x = tf.randomUniform([batch, h, w, c], 0, 1, 'float32', 42);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32', 43), classes).toFloat());
  return {
    async run() {
      const loss = tf.tidy(() =>
        optimizer.minimize(() => {
          const p = (model.apply(x, { training: true }) as tf.Tensor).clipByValue(1e-7, 1);
          return y.mul(p.log()).sum(-1).neg().mean() as tf.Scalar;
        }, true)!,
      );
      const value = (await loss.data())[0]!;
      loss.dispose();
      return value;
    },
    dispose() {
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** Training samples per second of `graph` on the current backend. */
export async function samplesPerSec(
  graph: ArchGraph,
  batch: number,
  warmup: number,
  steps: number,
): Promise<number> {
  const step = trainingStep(graph, batch);
  try {
    for (let i = 0; i < warmup; i++) await step.run();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step.run();
    return (steps * batch) / ((performance.now() - t0) / 1000);
  } finally {
    step.dispose();
  }
}
