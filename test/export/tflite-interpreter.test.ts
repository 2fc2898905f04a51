import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchGraph } from '../../server/src/engine/arch/graph.js';
import { allocateBatch, createBatchIterator } from '../../server/src/engine/data/batches.js';
import type { Dataset } from '../../server/src/engine/data/dataset.js';
import { loadDataset } from '../../server/src/engine/data/load-dataset.js';
import { sampleImages } from '../../server/src/engine/export/calibrate.js';
import { exportInt8, type Int8Export } from '../../server/src/engine/export/int8-export.js';
import { estimateTflite } from '../../server/src/engine/export/tflite-graph.js';
import { readTflite } from '../../server/src/engine/export/tflite-reader.js';
import { tflmProblems } from '../../server/src/engine/export/tflm-ops.js';
import { estimatedPayload, payloadBytes } from '../../server/src/engine/export/tflite-size.js';
import { initTrainingBackend } from '../../server/src/engine/training/backend/index.js';
import { buildModel } from '../../server/src/engine/training/model-builder.js';
import { trainCandidate } from '../../server/src/engine/training/trainer.js';
import { openTfliteBrowser } from '../support/tflite-browser.js';
import { graphOfModel, trainConfig } from '../harness/training-fixtures.js';

/**
 * The exported int8 `.tflite` runs in a TFLite interpreter this project did not write: TensorFlow
 * Lite compiled to WebAssembly (`@tensorflow/tfjs-tflite`), in headless Chromium. A small MNIST
 * CNN is trained here (wasm backend, 4 000 images, 2 epochs), exported, and on 1 000 test images
 * its int8 top-1 accuracy must be within 1 point of the float model's.
 */
const root = join(__dirname, '../..');
const out = join(root, 'test-results/export');
const TEST_IMAGES = 1000;

/**
 * A plain chain (folded batch norm, ReLU6, depthwise, max pool, reshape); a branchy one (add, concat,
 * average pool, unfused batch norm and ReLU); sums of three and four paths (chains of two-input ADDs:
 * TFLite Micro's ADD would silently drop a third input); and every pool — max, average, global average
 * (MEAN), global max (REDUCE_MAX) — with a standalone batch norm (MUL + ADD) and a concat.
 */
const MODELS = [
  {
    name: 'mnist_small',
    minFloat: 0.85,
    lr: 0.004,
    text: `model mnist_small {
  input 28x28x1
  conv2d 8 k3 s2 bn relu
  dwconv2d k3 relu
  conv1x1 16 bn relu6
  maxpool 2
  flatten
  dense 10
  softmax
}`,
  },
  {
    name: 'mnist_branchy',
    minFloat: 0.6,
    lr: 0.01,
    text: `model mnist_branchy {
  input 28x28x1
  conv2d 8 k3 s2 same relu
  add { path { conv1x1 8 relu } path { dwconv2d k3 same bn } }
  maxpool 2
  relu
  concat { path { conv1x1 8 relu6 } path { dwconv2d k3 same relu } }
  avgpool 2
  flatten
  dense 10
  softmax
}`,
  },
  {
    name: 'mnist_add3',
    minFloat: 0.85,
    lr: 0.004,
    /** The 3-path sum: int8 top-1 equals float top-1 on at least this share of the test images. */
    minAgreement: 0.99,
    adds: 2,
    text: `model mnist_add3 {
  input 28x28x1
  conv2d 8 k3 s2 relu
  add { path { conv1x1 8 relu } path { dwconv2d k3 same relu } path { conv2d 8 k3 same relu } }
  maxpool 2
  flatten
  dense 10
  softmax
}`,
  },
  {
    name: 'mnist_add4',
    minFloat: 0.85,
    lr: 0.004,
    adds: 3,
    text: `model mnist_add4 {
  input 28x28x1
  conv2d 8 k3 s2 relu
  add { path { conv1x1 8 relu } path { dwconv2d k3 same relu } path { conv2d 8 k3 same relu } path { } }
  maxpool 2
  flatten
  dense 10
  softmax
}`,
  },
  {
    name: 'mnist_every_pool',
    minFloat: 0.7,
    lr: 0.01,
    text: `model mnist_every_pool {
  input 28x28x1
  conv2d 8 k3 s2 relu
  avgpool 2 s1
  maxpool 2
  batchnorm
  conv2d 24 k3 relu
  concat { path { gap } path { gmp } }
  dense 10
  softmax
}`,
  },
] as const satisfies readonly {
  name: string;
  minFloat: number;
  lr: number;
  text: string;
  minAgreement?: number;
  adds?: number;
}[];

/** Not trained (random weights, random batch norm statistics): MEAN, REDUCE_MAX, an unfused batch norm (MUL + ADD), int8 logits out. */
const UNTRAINED = {
  name: 'mnist_pools',
  text: `model mnist_pools {
  input 28x28x1
  conv2d 8 k3 s2 relu
  maxpool 2
  batchnorm
  concat { path { gap } path { gmp } }
  dense 10
}`,
};
const CFG = trainConfig({ epochs: 2, batch: 32, lr: 0.01 });

interface PageResult {
  readonly inputs: { name: string; shape: number[]; dtype: string }[];
  readonly outputs: { name: string; shape: number[]; dtype: string }[];
  readonly outputType: string;
  readonly outputShape: string;
  readonly first: number[];
  readonly predictions: number[];
  /** Raw int8 outputs of the first images. */
  readonly raw: number[][];
}

interface PageGlobals {
  readonly tflite: {
    setWasmPath(path: string): void;
    loadTFLiteModel(
      url: string,
      options?: { numThreads?: number },
    ): Promise<{
      inputs: { name: string; shape: number[]; dtype: string }[];
      outputs: { name: string; shape: number[]; dtype: string }[];
      predict(x: unknown): { dataSync(): Int32Array; dispose(): void };
      modelRunner: {
        getInputs(): { data(): Int8Array }[];
        getOutputs(): { data(): Int8Array; dataType: string; shape: string }[];
        infer(): boolean;
      };
    }>;
  };
  readonly tf: { tensor(values: Int32Array, shape: number[], dtype: string): { dispose(): void } };
}

/** Loads a model in the page and classifies the int8 images (one inference each, batch 1). */
async function runInPage(page: Page, url: string, images: Int8Array, count: number): Promise<PageResult> {
  return page.evaluate(
    async ({ url, pixels, n }) => {
      const { tf: core, tflite } = globalThis as unknown as PageGlobals;
      tflite.setWasmPath('/wasm/');
      const model = await tflite.loadTFLiteModel(url, { numThreads: 1 });
      const size = pixels.length / n;
      // Through the public API once: shape and dtype as declared.
      const x = core.tensor(Int32Array.from(pixels.slice(0, size)), [1, 28, 28, 1], 'int32');
      const y = model.predict(x);
      const first = Array.from(y.dataSync());
      x.dispose();
      y.dispose();
      // Then straight through the interpreter for speed.
      const runner = model.modelRunner;
      const input = runner.getInputs()[0]!.data();
      const output = runner.getOutputs()[0]!;
      const predictions: number[] = [];
      const raw: number[][] = [];
      for (let i = 0; i < n; i++) {
        input.set(pixels.subarray(i * size, (i + 1) * size));
        if (!runner.infer()) throw new Error(`inference ${i} failed`);
        const o = output.data();
        if (i < 100) raw.push(Array.from(o));
        let best = 0;
        for (let k = 1; k < o.length; k++) if (o[k]! > o[best]!) best = k;
        predictions.push(best);
      }
      return {
        inputs: model.inputs,
        outputs: model.outputs,
        outputType: output.dataType,
        outputShape: output.shape,
        first,
        predictions,
        raw,
      };
    },
    { url, pixels: images, n: count },
  );
}

interface Trained {
  readonly graph: ArchGraph;
  readonly model: tf.LayersModel;
  readonly exported: Int8Export;
}

describe('exported int8 models in TFLite (WebAssembly, Chromium)', () => {
  let browser: Browser;
  let page: Page;
  let data: Dataset;
  const trained = new Map<string, Trained>();
  const metrics: Record<string, Record<string, number>> = {};

  beforeAll(async () => {
    mkdirSync(out, { recursive: true });
    const opening = openTfliteBrowser((name) => trained.get(name)?.exported.bytes);
    await initTrainingBackend('wasm');
    data = await loadDataset({ kind: 'mnist', subset: 4000, validation: 0.1, seed: 1 }, { baseDir: '.' });
    for (const m of MODELS) {
      const graph = graphOfModel(m.text);
      const t0 = performance.now();
      const r = await trainCandidate(graph, data, { ...CFG, lr: m.lr }, { seed: 3, keepModel: true });
      if (r.status !== 'trained' || !r.model)
        throw new Error(`training ${m.name} failed: ${JSON.stringify(r)}`);
      const calibration = sampleImages(data.train, 500, 7);
      const exported = await exportInt8(graph, r.model, calibration.images, calibration.count, {
        description: m.name,
      });
      writeFileSync(join(out, `${m.name}.tflite`), exported.bytes);
      trained.set(m.name, { graph, model: r.model, exported });
      metrics[m.name] = { trainSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)) };
    }
    {
      const graph = graphOfModel(UNTRAINED.text);
      const model = buildModel(graph, { seed: 11 });
      const bn = graph.nodes.find((n) => n.op.kind === 'batchnorm')!;
      const layer = model.getLayer(bn.name);
      const c = bn.shape[2]!;
      const rnd = (lo: number, hi: number) => tf.randomUniform([c], lo, hi, 'float32', 5);
      layer.setWeights([rnd(0.5, 2), rnd(-0.5, 0.5), rnd(0, 0.5), rnd(0.05, 0.5)]);
      const calibration = sampleImages(data.train, 500, 7);
      const exported = await exportInt8(graph, model, calibration.images, calibration.count, {
        description: UNTRAINED.name,
      });
      writeFileSync(join(out, `${UNTRAINED.name}.tflite`), exported.bytes);
      trained.set(UNTRAINED.name, { graph, model, exported });
      metrics[UNTRAINED.name] = {};
    }
    ({ browser, page } = await opening);
  });

  afterAll(async () => {
    for (const t of trained.values()) t.model.dispose();
    await browser?.close();
    writeFileSync(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  });

  /** The first TEST_IMAGES test images: float (pixel / 255) for tfjs, int8 for TFLite. */
  function testImages(input: { scale: number; zeroPoint: number }): {
    float: Float32Array;
    int8: Int8Array;
    labels: Int32Array;
  } {
    const it = createBatchIterator(data.test, { batchSize: TEST_IMAGES, seed: 0, shuffle: false });
    const buffers = allocateBatch(data.inputShape, TEST_IMAGES);
    it.fill(0, 0, buffers);
    const int8 = Int8Array.from(buffers.inputs, (v) =>
      Math.max(-128, Math.min(127, Math.round(v / input.scale) + input.zeroPoint)),
    );
    return { float: buffers.inputs, int8, labels: buffers.labels };
  }

  it('quantises the input exactly (int8 = pixel − 128) and the softmax output as TFLite mandates', () => {
    for (const { graph, exported } of trained.values()) {
      expect(exported.input).toEqual({ scale: Math.fround(1 / 255), zeroPoint: -128 });
      if (graph.nodes[graph.output]!.op.kind === 'softmax')
        expect(exported.output).toEqual({ scale: 1 / 256, zeroPoint: -128 });
      const { int8 } = testImages(exported.input);
      const pixels = data.test.images.subarray(0, 28 * 28 * TEST_IMAGES);
      for (let i = 0; i < pixels.length; i++)
        if (int8[i] !== pixels[i]! - 128) throw new Error(`pixel ${i}: ${pixels[i]} → ${int8[i]}`);
    }
  });

  for (const m of MODELS) {
    it(`${m.name}: runs in TFLite with the declared input and output, within 1 point of the float model on 1,000 test images`, async () => {
      const { model, exported } = trained.get(m.name)!;
      const { float, int8, labels } = testImages(exported.input);
      const pred = tf.tidy(() =>
        (model.predict(tf.tensor4d(float, [TEST_IMAGES, 28, 28, 1])) as tf.Tensor).argMax(-1).dataSync(),
      );
      let correct = 0;
      for (let i = 0; i < TEST_IMAGES; i++) if (pred[i] === labels[i]) correct++;
      const floatAccuracy = correct / TEST_IMAGES;

      const t0 = performance.now();
      const r = await runInPage(page, `/models/${m.name}.tflite`, int8, TEST_IMAGES);
      const tfliteSeconds = Number(((performance.now() - t0) / 1000).toFixed(2));
      expect(r.inputs).toEqual([{ name: 'input_0', shape: [1, 28, 28, 1], dtype: 'int32' }]);
      expect(r.outputs).toEqual([{ name: 'softmax_0', shape: [1, 10], dtype: 'int32' }]);
      expect(r.outputType).toBe('int8');
      expect(r.outputShape).toBe('1,10');
      // int8 probabilities (scale 1/256, zero point −128) sum to about 1.
      expect(r.first).toHaveLength(10);
      const sum = r.first.reduce((a, q) => a + (q + 128) / 256, 0);
      expect(sum).toBeGreaterThan(0.9);
      expect(sum).toBeLessThan(1.1);

      let int8Correct = 0;
      let agree = 0;
      for (let i = 0; i < TEST_IMAGES; i++) {
        if (r.predictions[i] === labels[i]) int8Correct++;
        if (r.predictions[i] === pred[i]) agree++;
      }
      const int8Accuracy = int8Correct / TEST_IMAGES;
      Object.assign(metrics[m.name]!, {
        floatAccuracy,
        int8Accuracy,
        agreement: agree / TEST_IMAGES,
        tfliteSeconds,
        fileBytes: exported.bytes.length,
        estimatedFlash: exported.estimate.totals.flash,
      });
      expect(floatAccuracy).toBeGreaterThan(m.minFloat);
      expect(Math.abs(int8Correct - correct)).toBeLessThanOrEqual(TEST_IMAGES / 100);
      if ('minAgreement' in m) expect(agree / TEST_IMAGES).toBeGreaterThanOrEqual(m.minAgreement);
    });
  }

  it(`${UNTRAINED.name}: TFLite's int8 outputs (MEAN, REDUCE_MAX, MUL + ADD batch norm) match the float model's within a few quantisation steps`, async () => {
    const { model, exported } = trained.get(UNTRAINED.name)!;
    const n = 100;
    const { float, int8 } = testImages(exported.input);
    const expected = tf.tidy(() =>
      (model.predict(tf.tensor4d(float.subarray(0, n * 784), [n, 28, 28, 1])) as tf.Tensor).dataSync(),
    );
    const r = await runInPage(page, `/models/${UNTRAINED.name}.tflite`, int8.subarray(0, n * 784), n);
    expect(r.outputs).toEqual([{ name: 'dense_0', shape: [1, 10], dtype: 'int32' }]);
    const { scale, zeroPoint } = exported.output;
    let worst = 0;
    let sum = 0;
    let spread = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 10; k++) {
        const e = Math.abs((r.raw[i]![k]! - zeroPoint) * scale - expected[i * 10 + k]!) / scale;
        worst = Math.max(worst, e);
        sum += e;
        spread = Math.max(spread, Math.abs(expected[i * 10 + k]!) / scale);
      }
    }
    Object.assign(metrics[UNTRAINED.name]!, {
      meanErrorSteps: Number((sum / (n * 10)).toFixed(3)),
      worstErrorSteps: Number(worst.toFixed(3)),
      outputRangeSteps: Number(spread.toFixed(1)),
    });
    expect(spread).toBeGreaterThan(20);
    expect(sum / (n * 10)).toBeLessThan(2);
    expect(worst).toBeLessThan(8);
  });

  it('every ADD read back from the exported files has exactly two inputs; a sum of n paths is n − 1 of them', () => {
    for (const [name, { exported }] of trained) {
      const back = readTflite(exported.bytes);
      for (const add of back.operators.filter((o) => o.op === 'ADD'))
        expect(add.inputs, name).toHaveLength(2);
      expect(tflmProblems(back), name).toEqual([]);
    }
    for (const m of MODELS) {
      if (!('adds' in m)) continue;
      const ops = readTflite(trained.get(m.name)!.exported.bytes).operators;
      expect(
        ops.filter((o) => o.op === 'ADD'),
        m.name,
      ).toHaveLength(m.adds);
    }
  });

  it("flash: the payload is exactly what the estimate counts; the estimate of the file equals the graph's", () => {
    for (const { graph, exported } of trained.values()) {
      const back = readTflite(exported.bytes);
      expect(payloadBytes(back)).toBe(estimatedPayload(graph));
      const e = estimateTflite(back);
      const g = exported.estimate.totals;
      expect([e.totals.peakRam, e.totals.arena.total, e.totals.flash, e.totals.macs]).toEqual([
        g.peakRam,
        g.arena.total,
        g.flash,
        g.macs,
      ]);
      // The file size itself: within 7 % of the flatbuffer overhead (the constants are fitted).
      const overhead = exported.bytes.length - payloadBytes(back);
      expect(Math.abs(exported.bytes.length - g.flash)).toBeLessThanOrEqual(0.07 * overhead);
    }
  });
});
