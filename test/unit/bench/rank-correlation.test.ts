import { describe, expect, it } from 'vitest';
import { ranks, spearman } from '../../../bench/rank-correlation.js';

describe('rank correlation', () => {
  it('ranks with ties sharing their mean rank', () => {
    expect(ranks([0.3, 0.1, 0.2, 0.1])).toEqual([4, 1.5, 3, 1.5]);
  });
  it('is 1 for the same order, -1 for the reverse, and matches a worked example', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 25, 100])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // d = (0, 1, -1, 0, 0): 1 − 6·2 / (5·24) = 0.9.
    expect(spearman([1, 2, 3, 4, 5], [1, 3, 2, 4, 5])).toBeCloseTo(0.9, 12);
    expect(spearman([1], [2])).toBeNaN();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});
