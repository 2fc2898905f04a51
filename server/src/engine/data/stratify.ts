/**
 * Stratified, seeded sampling of splits: the μNAS validation split (10 % of each class of the
 * training set) and low-fidelity training subsets keep the class balance of the full set.
 */
import { type Split, viewSplit } from './dataset.js';
import { mulberry32, shuffleInPlace } from '../rng/seeded-rng.js';

/**
 * Distributes `total` over classes in proportion to `counts` by largest remainder, so the
 * quotas sum exactly to `total` and each is within one of its ideal share.
 */
export function proportionalQuota(counts: readonly number[], total: number): number[] {
  const all = counts.reduce((a, b) => a + b, 0);
  if (total < 0 || total > all) throw new RangeError(`cannot take ${total} of ${all} samples`);
  if (all === 0) return counts.map(() => 0);
  const ideal = counts.map((c) => (total * c) / all);
  const quota = ideal.map(Math.floor);
  let left = total - quota.reduce((a, b) => a + b, 0);
  const byRemainder = ideal
    .map((q, c) => ({ c, r: q - Math.floor(q) }))
    .filter(({ c }) => quota[c]! < counts[c]!)
    .sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of byRemainder) {
    if (left === 0) break;
    quota[c]! += 1;
    left -= 1;
  }
  return quota;
}

export interface StratifiedParts {
  /** The drawn samples (e.g. validation, or a subset). */
  readonly taken: Split;
  /** Everything else, in store order. */
  readonly rest: Split;
}

/** Draws `count` samples from `split`, per class in proportion to the class sizes. */
export function stratifiedTake(split: Split, count: number, classes: number, seed: number): StratifiedParts {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < split.size; i++) {
    const row = split.rows[i]!;
    byClass[split.labels[row]!]!.push(row);
  }
  const quota = proportionalQuota(
    byClass.map((rows) => rows.length),
    count,
  );
  const rng = mulberry32(seed);
  const taken: number[] = [];
  const rest: number[] = [];
  byClass.forEach((rows, c) => {
    shuffleInPlace(rows, rng);
    const q = quota[c]!;
    for (let k = 0; k < rows.length; k++) (k < q ? taken : rest).push(rows[k]!);
  });
  // Store order keeps reads sequential and makes the result independent of class iteration order.
  const sorted = (rows: number[]): Uint32Array => Uint32Array.from(rows).sort();
  return { taken: viewSplit(split, sorted(taken)), rest: viewSplit(split, sorted(rest)) };
}

/** Splits off `fraction` of every class (rounded so the total is round(fraction × size)). */
export function stratifiedFraction(
  split: Split,
  fraction: number,
  classes: number,
  seed: number,
): StratifiedParts {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`fraction must be in [0, 1), got ${fraction}`);
  return stratifiedTake(split, Math.round(split.size * fraction), classes, seed);
}
