import { describe, expect, it } from 'vitest';
import { memoisedResources } from '../../../../server/src/engine/checks/environment.js';
import { dense, graphOf } from '../resources/reference-nets.js';

/** A chain of `layers` dense layers whose first width is `first`: one structure per `first`. */
const chain = (first: number, layers: number) =>
  graphOf(
    [8],
    Array.from({ length: layers }, (_, i) => [dense(i === 0 ? first : 4)] as const),
  );

describe('memoisedResources', () => {
  it('answers a structure seen before from memory', () => {
    const resources = memoisedResources(() => undefined);
    const a = resources.estimate(chain(3, 10), {});
    expect(a).toBeDefined();
    // Another graph object of the same structure: the very same estimate.
    expect(resources.estimate(chain(3, 10), {})).toBe(a);
  });

  it('keeps a bounded number of layers, not of entries: large estimates are forgotten first', () => {
    const resources = memoisedResources(() => undefined);
    const first = resources.estimate(chain(1, 900), {});
    // 20 more large structures (18,000 layers) push it out, though far fewer than 512 entries.
    for (let i = 2; i <= 21; i++) resources.estimate(chain(i, 900), {});
    const again = resources.estimate(chain(1, 900), {});
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    // Small ones stay: many of them fit.
    const small = resources.estimate(chain(1, 5), {});
    for (let i = 2; i <= 100; i++) resources.estimate(chain(i, 5), {});
    expect(resources.estimate(chain(1, 5), {})).toBe(small);
  });
});
