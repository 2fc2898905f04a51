import type { Rng } from './seeded-rng.js';

/** A standard normal draw (Box–Muller, one value per call, deterministic from `rng`). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
