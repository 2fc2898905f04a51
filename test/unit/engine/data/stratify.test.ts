import { describe, expect, it } from 'vitest';
import { classCounts } from '../../../../server/src/engine/data/dataset.js';
import {
  proportionalQuota,
  stratifiedFraction,
  stratifiedTake,
} from '../../../../server/src/engine/data/stratify.js';
import { labelledSplit } from './fixtures.js';

describe('stratified sampling', () => {
  it('quotas sum exactly and stay within one of the ideal share', () => {
    const counts = [500, 333, 101, 66, 0, 1];
    for (const total of [0, 1, 7, 100, 1001]) {
      const quota = proportionalQuota(counts, total);
      expect(quota.reduce((a, b) => a + b, 0)).toBe(total);
      const all = counts.reduce((a, b) => a + b, 0);
      quota.forEach((q, c) => {
        expect(Math.abs(q - (total * counts[c]!) / all)).toBeLessThan(1);
        expect(q).toBeLessThanOrEqual(counts[c]!);
      });
    }
    expect(() => proportionalQuota([1, 2], 4)).toThrow(RangeError);
  });

  it('holds out 10 % of every class, disjoint from the rest, views of the same store', () => {
    const split = labelledSplit([100, 50, 30, 20]);
    const { taken, rest } = stratifiedFraction(split, 0.1, 4, 42);
    expect(classCounts(taken, 4)).toEqual([10, 5, 3, 2]);
    expect(classCounts(rest, 4)).toEqual([90, 45, 27, 18]);
    const seen = new Set([...taken.rows, ...rest.rows]);
    expect(seen.size).toBe(split.size);
    expect(taken.images).toBe(split.images);
    expect(taken.labels).toBe(split.labels);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const split = labelledSplit([40, 40]);
    const a = stratifiedFraction(split, 0.25, 2, 7).taken.rows;
    expect(Array.from(stratifiedFraction(split, 0.25, 2, 7).taken.rows)).toEqual(Array.from(a));
    expect(Array.from(stratifiedFraction(split, 0.25, 2, 8).taken.rows)).not.toEqual(Array.from(a));
  });

  it('subsets a view proportionally, without leaving it', () => {
    const split = labelledSplit([60, 30, 10]);
    const { rest } = stratifiedFraction(split, 0.1, 3, 1);
    const subset = stratifiedTake(rest, 20, 3, 2).taken;
    expect(subset.size).toBe(20);
    expect(classCounts(subset, 3)).toEqual([12, 6, 2]);
    const allowed = new Set(rest.rows);
    for (const row of subset.rows) expect(allowed.has(row)).toBe(true);
  });
});
