import type { Rng } from '../rng/seeded-rng.js';
import type { IntRange, Weighted } from '../arch/space.js';

/** Uniform integer in [min, max], both ends included (μNAS's sampler never drew the top of a range). */
export function uniformInt(rng: Rng, range: IntRange): number {
  return range.min + rng.int(range.max - range.min + 1);
}

/** True with probability `p` (one draw whatever `p`, so the stream does not depend on the value). */
export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** One value by weight; zero-weight choices are never drawn. `undefined` only for an empty (or all-zero) list. */
export function pickWeighted<T>(rng: Rng, choices: readonly Weighted<T>[]): T | undefined {
  const total = choices.reduce((s, c) => s + Math.max(0, c.weight), 0);
  if (!(total > 0)) return undefined;
  let r = rng.next() * total;
  let last: T | undefined;
  for (const c of choices) {
    if (!(c.weight > 0)) continue;
    last = c.value;
    r -= c.weight;
    if (r < 0) return c.value;
  }
  return last;
}

/** The values a weighted choice can actually produce. */
export function allowedValues<T>(choices: readonly Weighted<T>[]): T[] {
  return choices.filter((c) => c.weight > 0).map((c) => c.value);
}
