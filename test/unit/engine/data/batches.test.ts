import { describe, expect, it } from 'vitest';
import {
  allocateBatch,
  createBatchIterator,
  epochOrder,
} from '../../../../server/src/engine/data/batches.js';
import { viewSplit } from '../../../../server/src/engine/data/dataset.js';
import { labelledSplit } from './fixtures.js';

/** 23 samples; every pixel of sample i holds i, so a batch slot tells which row it came from. */
const split = labelledSplit([10, 8, 5]);

function epochRows(
  seed: number,
  epoch: number,
  batchSize = 5,
): { rows: number[]; counts: number[]; labels: number[] } {
  const iterator = createBatchIterator(split, { batchSize, seed, normalisation: { kind: 'raw' } });
  const buffers = allocateBatch(split.shape, batchSize);
  const rows: number[] = [];
  const labels: number[] = [];
  const counts: number[] = [];
  for (const n of iterator.batches(epoch, buffers)) {
    counts.push(n);
    for (let k = 0; k < n; k++) {
      rows.push(buffers.inputs[k * 4]!);
      labels.push(buffers.labels[k]!);
    }
  }
  return { rows, counts, labels };
}

describe('batch iteration', () => {
  it('visits every sample exactly once per epoch, with a partial last batch', () => {
    const { rows, counts, labels } = epochRows(1, 0);
    expect(counts).toEqual([5, 5, 5, 5, 3]);
    expect([...rows].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    rows.forEach((row, k) => expect(labels[k]).toBe(split.labels[row]));
  });

  it('is deterministic per (seed, epoch) and reshuffles between epochs', () => {
    expect(epochRows(1, 0).rows).toEqual(epochRows(1, 0).rows);
    expect(epochRows(1, 1).rows).not.toEqual(epochRows(1, 0).rows);
    expect(epochRows(2, 0).rows).not.toEqual(epochRows(1, 0).rows);
    expect(Array.from(epochOrder(5, 9, 0, false))).toEqual([0, 1, 2, 3, 4]);
  });

  it('any batch can be regenerated on its own', () => {
    const iterator = createBatchIterator(split, {
      batchSize: 4,
      seed: 3,
      augmentation: { shift: 1, flip: true },
    });
    const a = allocateBatch(split.shape, 4);
    const b = allocateBatch(split.shape, 4);
    for (const _ of iterator.batches(2, a)) {
      /* leaves the last batch in a */
    }
    iterator.fill(0, 1, b);
    const n = iterator.fill(2, iterator.batchesPerEpoch - 1, b);
    expect(n).toBe(3);
    expect(Array.from(b.inputs.subarray(0, n * 4))).toEqual(Array.from(a.inputs.subarray(0, n * 4)));
    expect(Array.from(b.labels.subarray(0, n))).toEqual(Array.from(a.labels.subarray(0, n)));
  });

  it('fills the caller’s buffers in place, batch after batch', () => {
    const buffers = allocateBatch(split.shape, 8);
    const { inputs, labels } = buffers;
    const iterator = createBatchIterator(split, { batchSize: 8, seed: 0 });
    const snapshots: number[][] = [];
    for (const n of iterator.batches(0, buffers)) {
      expect(buffers.inputs).toBe(inputs);
      expect(buffers.labels).toBe(labels);
      snapshots.push(Array.from(inputs.subarray(0, n * 4)));
    }
    expect(snapshots.length).toBe(3);
    expect(snapshots[0]).not.toEqual(snapshots[1]);
    expect(() => iterator.fill(0, 0, allocateBatch(split.shape, 4))).toThrow(RangeError);
    expect(iterator.fill(0, 3, buffers)).toBe(0);
  });

  it('normalises to [0, 1] by default and by mean/std on request', () => {
    const one = viewSplit(split, Uint32Array.of(17));
    const buffers = allocateBatch(split.shape, 1);
    createBatchIterator(one, { batchSize: 1, seed: 0 }).fill(0, 0, buffers);
    expect(buffers.inputs[0]).toBeCloseTo(17 / 255, 6);
    createBatchIterator(one, {
      batchSize: 1,
      seed: 0,
      normalisation: { kind: 'standard', mean: [0.1], std: [0.5] },
    }).fill(0, 0, buffers);
    expect(buffers.inputs[0]).toBeCloseTo((17 / 255 - 0.1) / 0.5, 6);
  });

  it('drops the last partial batch on request', () => {
    const iterator = createBatchIterator(split, { batchSize: 5, seed: 0, dropLast: true });
    expect(iterator.batchesPerEpoch).toBe(4);
    expect([...iterator.batches(0, allocateBatch(split.shape, 5))]).toEqual([5, 5, 5, 5]);
  });
});
