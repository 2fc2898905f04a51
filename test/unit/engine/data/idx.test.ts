import * as path from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError, imageAt, labelAt } from '../../../../server/src/engine/data/dataset.js';
import { loadIdxPair } from '../../../../server/src/engine/data/idx.js';
import { findIdxFiles, loadFashionMnist, loadIdxFiles } from '../../../../server/src/engine/data/mnist.js';
import { idxBytes, syntheticImages, tempDir, writeIdxPair } from './fixtures.js';

const tmp = tempDir('idx');
afterAll(tmp.remove);

/** Runs `load` and returns the DatasetError it must throw. */
async function datasetError(load: () => Promise<unknown>): Promise<DatasetError> {
  const error = await load().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe('IDX files', () => {
  it.each([false, true])('round-trips images and labels (gzip: %s)', async (gzip) => {
    const dir = path.join(tmp.dir, `rt-${gzip}`);
    mkdirSync(dir);
    const pair = writeIdxPair(dir, 'train', 12, 5, 4, gzip);
    const loaded = await loadIdxPair(pair.images, pair.labels, 10);
    expect(loaded.shape).toEqual([5, 4, 1]);
    expect(Array.from(loaded.images)).toEqual(Array.from(pair.data.images));
    expect(Array.from(loaded.labels)).toEqual(Array.from(pair.data.labels));
  });

  it('finds the four standard names, plain or gzipped, and builds whole splits', async () => {
    const dir = path.join(tmp.dir, 'set');
    mkdirSync(dir);
    writeIdxPair(dir, 'train', 20, 3, 3, true);
    writeIdxPair(dir, 't10k', 6, 3, 3, false);
    const files = await findIdxFiles(dir);
    expect(path.basename(files.trainImages)).toBe('train-images-idx3-ubyte.gz');
    expect(path.basename(files.testLabels)).toBe('t10k-labels-idx1-ubyte');
    const source = await loadIdxFiles(files, { name: 'tiny', classes: 10 });
    expect([source.train.size, source.test.size]).toEqual([20, 6]);
    expect(labelAt(source.train, 13)).toBe(3);
    expect(imageAt(source.test, 2)[0]).toBe(14);
  });

  it('reports a missing standard file by its expected path', async () => {
    const error = await datasetError(() => findIdxFiles(path.join(tmp.dir, 'nowhere')));
    expect(error.file).toBe(path.join(tmp.dir, 'nowhere', 'train-images-idx3-ubyte'));
    expect(error.message).toContain('file not found');
  });

  it('a missing Fashion-MNIST folder names the file and the Debian package', async () => {
    const error = await datasetError(() => loadFashionMnist(path.join(tmp.dir, 'no-fashion')));
    expect(error.file).toBe(path.join(tmp.dir, 'no-fashion', 'train-images-idx3-ubyte'));
  });
});

describe('corrupt IDX files name the file', () => {
  const good = syntheticImages(4, 2, 2);
  const write = (name: string, bytes: Uint8Array): string => {
    const file = path.join(tmp.dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  const labels = write('ok-labels', idxBytes(0x801, [4], good.labels));
  const images = write('ok-images', idxBytes(0x803, [4, 2, 2], good.images));

  const cases: Array<[string, () => { images: string; labels: string; bad: string }, RegExp]> = [
    [
      'missing file',
      () => ({ images: path.join(tmp.dir, 'absent'), labels, bad: path.join(tmp.dir, 'absent') }),
      /file not found/,
    ],
    ['a directory', () => ({ images: tmp.dir, labels, bad: tmp.dir }), /is a directory/],
    [
      'header too short',
      () => {
        const f = write('short', new Uint8Array([0, 0, 8]));
        return { images: f, labels, bad: f };
      },
      /truncated: 3 bytes/,
    ],
    [
      'dims cut off',
      () => {
        const f = write('cut-dims', idxBytes(0x803, [4, 2, 2], good.images).subarray(0, 10));
        return { images: f, labels, bad: f };
      },
      /truncated: 10 bytes, the IDX header needs 16/,
    ],
    [
      'data cut off',
      () => {
        const f = write('cut-data', idxBytes(0x803, [4, 2, 2], good.images).subarray(0, 20));
        return { images: f, labels, bad: f };
      },
      /need 16 data bytes but the file has 4/,
    ],
    [
      'trailing bytes',
      () => {
        const f = write(
          'long',
          Buffer.concat([idxBytes(0x803, [4, 2, 2], good.images), Buffer.from([1, 2])]),
        );
        return { images: f, labels, bad: f };
      },
      /2 unexpected bytes/,
    ],
    [
      'labels given as images',
      () => ({ images: labels, labels, bad: labels }),
      /bad magic number 0x00000801 \(that is an IDX label file\), expected 0x00000803/,
    ],
    [
      'images given as labels',
      () => ({ images, labels: images, bad: images }),
      /bad magic number 0x00000803.*expected 0x00000801/,
    ],
    [
      'not IDX at all',
      () => {
        const f = write('png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
        return { images: f, labels, bad: f };
      },
      /bad magic number 0x89504e47/,
    ],
    [
      'count mismatch',
      () => {
        const f = write('three-labels', idxBytes(0x801, [3], good.labels.subarray(0, 3)));
        return { images, labels: f, bad: f };
      },
      new RegExp(`holds 3 labels but .*ok-images holds 4 images`),
    ],
    [
      'label out of range',
      () => {
        const f = write('bad-label', idxBytes(0x801, [4], Uint8Array.from([1, 2, 10, 0])));
        return { images, labels: f, bad: f };
      },
      /label 10 at index 2 is out of range for 10 classes/,
    ],
    [
      'corrupt gzip',
      () => {
        const f = write('cut.gz', gzipSync(idxBytes(0x803, [4, 2, 2], good.images)).subarray(0, 15));
        return { images: f, labels, bad: f };
      },
      /corrupt or truncated gzip/,
    ],
  ];

  it.each(cases)('%s', async (_name, setup, pattern) => {
    const { images: i, labels: l, bad } = setup();
    const error = await datasetError(() => loadIdxPair(i, l, 10));
    expect(error.file).toBe(bad);
    expect(error.message.startsWith(`${bad}: `)).toBe(true);
    expect(error.message).toMatch(pattern);
  });

  it('the good pair itself loads', async () => {
    expect((await loadIdxPair(images, labels, 10)).labels.length).toBe(4);
    expect(readFileSync(images).length).toBe(32);
  });
});
