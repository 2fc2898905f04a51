import { mulberry32, type Rng } from '../rng/seeded-rng.js';

/** Where a {@link SerialisableRng} stands: its seed and how many numbers it has drawn. Plain JSON. */
export interface RngState {
  readonly seed: number;
  readonly draws: number;
}

/**
 * The project's seeded generator (mulberry32) with a position that can be saved in a search
 * snapshot. Restoring replays `draws` numbers from the seed instead of reaching into the
 * generator's internals, so it stays exact whatever algorithm `rng/seeded-rng.ts` uses; a search
 * draws a few million numbers at most, which replay in milliseconds.
 */
export class SerialisableRng implements Rng {
  private readonly inner: Rng;
  private count = 0;

  constructor(
    readonly seed: number,
    draws = 0,
  ) {
    this.inner = mulberry32(seed);
    for (let i = 0; i < draws; i++) this.inner.next();
    this.count = draws;
  }

  static restore(state: RngState): SerialisableRng {
    if (!Number.isInteger(state.seed) || !Number.isInteger(state.draws) || state.draws < 0)
      throw new Error(`invalid rng state ${JSON.stringify(state)}`);
    return new SerialisableRng(state.seed, state.draws);
  }

  next(): number {
    this.count++;
    return this.inner.next();
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  state(): RngState {
    return { seed: this.seed, draws: this.count };
  }
}
