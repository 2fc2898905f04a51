import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CIFAR_TEST_FILE,
  CIFAR_TRAIN_FILES,
  decodeCifarRecords,
  loadCifar10,
} from '../../../../server/src/engine/data/cifar10.js';
import { DatasetError, imageAt, labelAt } from '../../../../server/src/engine/data/dataset.js';
import { tempDir, writeFile } from './fixtures.js';

const tmp = tempDir('cifar');
afterAll(tmp.remove);

/** One record per label; channel planes hold 10·label + {0, 1, 2} at every pixel except pixel 1, which holds its channel index. */
function records(labels: readonly number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let c = 0; c < 3; c++) {
      out.fill(10 * label + c, r * 3073 + 1 + c * 1024, r * 3073 + 1 + (c + 1) * 1024);
      out[r * 3073 + 1 + c * 1024 + 1] = 200 + c;
    }
  });
  return out;
}

function writeBatches(dir: string): void {
  CIFAR_TRAIN_FILES.forEach((name, b) => writeFile(path.join(dir, name), records([2 * b, 2 * b + 1])));
  writeFile(path.join(dir, CIFAR_TEST_FILE), records([9, 4, 5]));
}

describe('CIFAR-10 binary batches', () => {
  it('decodes CHW planar records to HWC', () => {
    const images = new Uint8Array(2 * 3072);
    const labels = new Uint8Array(2);
    expect(decodeCifarRecords(records([3, 7]), 'x.bin', images, labels, 0)).toBe(2);
    expect(Array.from(labels)).toEqual([3, 7]);
    // Record 1, pixel 0 (row 0, col 0): RGB interleaved.
    expect(Array.from(images.subarray(3072, 3075))).toEqual([70, 71, 72]);
    // Pixel 1 is (200, 201, 202) in every record; pixel 1024 − 1 (row 31, col 31) is plain.
    expect(Array.from(images.subarray(3, 6))).toEqual([200, 201, 202]);
    expect(Array.from(images.subarray(3 * 1023, 3 * 1024))).toEqual([30, 31, 32]);
  });

  it('loads the five training batches and the test batch', async () => {
    const dir = path.join(tmp.dir, 'plain');
    writeBatches(dir);
    const data = await loadCifar10(dir);
    expect(data.inputShape).toEqual([32, 32, 3]);
    expect([data.train.size, data.test.size, data.classes]).toEqual([10, 3, 10]);
    expect(Array.from({ length: 10 }, (_, i) => labelAt(data.train, i))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(Array.from(imageAt(data.train, 6).subarray(0, 3))).toEqual([60, 61, 62]);
    expect(data.classNames?.[9]).toBe('truck');
  });

  it('maps labels < 5 → 0 and ≥ 5 → 1 for the binary task, and finds the archive folder', async () => {
    const parent = path.join(tmp.dir, 'archive');
    writeBatches(path.join(parent, 'cifar-10-batches-bin'));
    const data = await loadCifar10(parent, { binary: true });
    expect(data.classes).toBe(2);
    expect(Array.from({ length: 10 }, (_, i) => labelAt(data.train, i))).toEqual([
      0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
    ]);
    expect(Array.from({ length: 3 }, (_, i) => labelAt(data.test, i))).toEqual([1, 0, 1]);
  });

  const broken: Array<[string, (dir: string) => string, RegExp]> = [
    [
      'missing batch',
      (dir) => {
        const f = path.join(dir, 'data_batch_3.bin');
        rmSync(f);
        return f;
      },
      /file not found/,
    ],
    [
      'truncated batch',
      (dir) => writeFile(path.join(dir, 'data_batch_2.bin'), records([1, 2]).subarray(0, 5000)),
      /5000 bytes is not a whole number of 3073-byte records/,
    ],
    [
      'bad label',
      (dir) => writeFile(path.join(dir, CIFAR_TEST_FILE), records([1, 12])),
      /label 12 in record 1 is out of range/,
    ],
  ];
  it.each(broken)('%s names the file', async (name, breakIt, detail) => {
    const dir = path.join(tmp.dir, name.replace(/ /g, '-'));
    writeBatches(dir);
    const bad = breakIt(dir);
    const error = await loadCifar10(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).file).toBe(bad);
    expect((error as DatasetError).message.startsWith(`${bad}: `)).toBe(true);
    expect((error as DatasetError).message).toMatch(detail);
  });
});
