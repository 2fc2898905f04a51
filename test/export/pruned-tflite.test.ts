import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchGraph } from '../../server/src/engine/arch/graph.js';
import { allocateBatch, createBatchIterator } from '../../server/src/engine/data/batches.js';
import type { Dataset } from '../../server/src/engine/data/dataset.js';
import { loadDataset } from '../../server/src/engine/data/load-dataset.js';
import { sampleImages } from '../../server/src/engine/export/calibrate.js';
import { exportInt8, type Int8Export } from '../../server/src/engine/export/int8-export.js';
import { estimateTflite } from '../../server/src/engine/export/tflite-graph.js';
import { readTflite } from '../../server/src/engine/export/tflite-reader.js';
import { estimatedPayload, payloadBytes } from '../../server/src/engine/export/tflite-size.js';
import { estimate } from '../../server/src/engine/resources/estimate.js';
import { initTrainingBackend } from '../../server/src/engine/training/backend/index.js';
import { layerShapes } from '../../server/src/engine/training/model-builder.js';
import { graphWithChannels } from '../../server/src/engine/training/pruning/shrink-graph.js';
import { trainCandidate } from '../../server/src/engine/training/trainer.js';
import { openTflitePage, type TflitePage } from '../support/tflite-browser.js';
import { graphOfModel, trainConfig } from '../harness/training-fixtures.js';

/**
 * A network trained with structured pruning exports as the smaller network, and that `.tflite`
 * runs in the TFLite interpreter (WebAssembly, Chromium) with the accuracy of the float model.
 */
const TEXT = `model pruned {
  input 28x28x1
  conv2d 8 k3 s2 bn relu
  conv2d 24 k3 bn relu
  maxpool 2
  flatten
  dense 32 relu
  dense 10
  softmax
}`;
const N = 500;

describe('a structurally pruned network in TFLite', () => {
  let data: Dataset;
  let full: ArchGraph;
  let small: ArchGraph;
  let model: tf.LayersModel;
  let exported: Int8Export;
  let page: TflitePage;

  beforeAll(async () => {
    await initTrainingBackend('wasm');
    data = await loadDataset({ kind: 'mnist', subset: 3000, validation: 0.1, seed: 1 }, { baseDir: '.' });
    full = graphOfModel(TEXT);
    const r = await trainCandidate(full, data, trainConfig({ epochs: 2, batch: 32, lr: 0.005 }), {
      seed: 3,
      keepModel: true,
      pruning: { kind: 'structured', sparsity: 0.5, start: 1, end: 1, every: 16 },
    });
    if (r.status !== 'trained' || !r.model || !r.pruning?.channels) throw new Error(JSON.stringify(r));
    model = r.model;
    small = graphWithChannels(full, r.pruning.channels);
    const calibration = sampleImages(data.train, 300, 7);
    exported = await exportInt8(small, model, calibration.images, calibration.count, {
      description: 'pruned',
    });
    page = await openTflitePage(new Map([['pruned', exported.bytes]]));
  }, 240_000);

  afterAll(async () => {
    model?.dispose();
    await page?.close();
  });

  it('is smaller, and the trained model is exactly the smaller graph', () => {
    const params = (g: ArchGraph) => estimate(g, { convention: 'unas' }).totals.flash;
    expect(params(small)).toBeLessThan(params(full) * 0.75);
    const shapes = layerShapes(model, small);
    for (const n of small.nodes) expect([n.name, shapes.get(n.id)]).toEqual([n.name, [...n.shape]]);
    const back = readTflite(exported.bytes);
    expect(payloadBytes(back)).toBe(estimatedPayload(small));
    expect(estimateTflite(back).totals.flash).toBe(estimate(small, { convention: 'tflm' }).totals.flash);
  });

  it('runs in TFLite within 1.5 points of the float model on 500 test images', async () => {
    const it = createBatchIterator(data.test, { batchSize: N, seed: 0, shuffle: false });
    const buffers = allocateBatch(data.inputShape, N);
    it.fill(0, 0, buffers);
    const { scale, zeroPoint } = exported.input;
    const int8 = Int8Array.from(buffers.inputs, (v) =>
      Math.max(-128, Math.min(127, Math.round(v / scale) + zeroPoint)),
    );
    const float = tf.tidy(() =>
      (model.predict(tf.tensor4d(buffers.inputs, [N, 28, 28, 1])) as tf.Tensor).argMax(-1).dataSync(),
    );
    const r = await page.run('pruned', int8, N);
    expect(r.outputType).toBe('int8');
    let floatCorrect = 0;
    let int8Correct = 0;
    r.outputs.forEach((o, i) => {
      const best = o.indexOf(Math.max(...o));
      if (best === buffers.labels[i]) int8Correct++;
      if (float[i] === buffers.labels[i]) floatCorrect++;
    });
    expect(floatCorrect / N).toBeGreaterThan(0.7);
    expect(Math.abs(int8Correct - floatCorrect)).toBeLessThanOrEqual(0.015 * N);
  });
});
