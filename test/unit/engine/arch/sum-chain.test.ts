import { describe, expect, it } from 'vitest';
import { GraphBuilder, sumOrder } from '../../../../server/src/engine/arch/builder.js';
import type { ArchGraph, Op } from '../../../../server/src/engine/arch/graph.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { mulberry32 } from '../../../harness/random-archs.js';
import * as reference from '../resources/reference-nets.js';

const conv = (filters: number, k: number): Op => reference.conv(filters, k, 1, 'same', 'relu');

/** Builds the terms of a sum whose paths differ in cost; `sum` decides how they are added. */
function network(paths: number, sum: (b: GraphBuilder, terms: number[]) => number): ArchGraph {
  const b = new GraphBuilder([12, 12, 2]);
  const x = b.add(conv(8, 3))!;
  // Two paths with a wide middle, then a wider one, then the identity. Whatever the chain, the
  // scheduler may compute any term early and hold it; but a chain that adds the widest path last
  // holds it (or the first two terms) while a middle path runs: one map more than needed.
  const wide = (filters: number): number => b.add(conv(8, 1), [b.add(conv(filters, 3), [x])!])!;
  const all = [wide(32), wide(32), wide(40), x].slice(0, paths);
  const s = sum(b, all);
  b.add({ kind: 'global-pool', type: 'avg' }, [s]);
  b.add({ kind: 'dense', units: 10, activation: 'none', batchnorm: false });
  return b.build();
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

const peak = (g: ArchGraph, convention: 'tflm' | 'unas') => estimate(g, { convention }).totals.peakRam;

describe('a sum of more than two terms is a chain of two-input adds', () => {
  it('every add of a model has two inputs; MACs are (terms − 1) · elements, as for one add', () => {
    const a = analyze(`model m {
  input 8x8x1
  conv2d 4 k3 same
  add { path { conv1x1 4 } path { dwconv2d k3 same } path { conv2d 4 k3 same } path { } }
  flatten
  dense 10
}`);
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const g = a.graphs.get(a.document.models[0]!)!;
    const adds = g.nodes.filter((n) => n.op.kind === 'add');
    expect(adds.map((n) => n.inputs.length)).toEqual([2, 2, 2]);
    // Each add reads the one before it: a chain, not a tree.
    expect(adds[1]!.inputs).toContain(adds[0]!.id);
    expect(adds[2]!.inputs).toContain(adds[1]!.id);
    // All three point at the add statement.
    expect(new Set(adds.map((n) => n.origin?.start)).size).toBe(1);
    const e = estimate(g);
    const addMacs = e.layers.filter((l) => l.op === 'add').reduce((s, l) => s + l.macs, 0);
    expect(addMacs).toBe(3 * 8 * 8 * 4);
  });

  for (const paths of [3, 4]) {
    it(`${paths} paths: the chain's order reaches the lowest peak of all orders, in both conventions`, () => {
      const chained = network(paths, (b, terms) => b.add({ kind: 'add' }, terms)!);
      for (const convention of ['tflm', 'unas'] as const) {
        const peaks = permutations([...Array(paths).keys()]).map((order) =>
          peak(
            network(paths, (b, terms) => {
              let acc = terms[order[0]!]!;
              for (let k = 1; k < order.length; k++) acc = b.add({ kind: 'add' }, [acc, terms[order[k]!]!])!;
              return acc;
            }),
            convention,
          ),
        );
        expect(peak(chained, convention)).toBe(Math.min(...peaks));
        // With the identity term keeping the block input live to the end, the order matters.
        if (paths === 4) expect(Math.max(...peaks)).toBeGreaterThan(Math.min(...peaks));
      }
    });
  }

  it('orders terms by the memory their own computation needs; shared tensors last; ties keep source order', () => {
    const g = network(4, (b, terms) => {
      expect(sumOrder(b.build().nodes, terms)).toEqual([terms[2], terms[0], terms[1], terms[3]]);
      return b.add({ kind: 'add' }, terms)!;
    });
    expect(g.nodes.filter((n) => n.op.kind === 'add')).toHaveLength(3);
  });

  it('on random sums of 3–4 paths the chain reaches the lowest peak of every order, in both conventions', () => {
    for (let trial = 0; trial < 60; trial++) {
      const rng = mulberry32(trial);
      const n = 3 + Math.floor(rng.next() * 2);
      // Each path: 0 (the identity, at most one) to 2 convs of 1–40 filters, then a 1×1 back to 6 channels.
      const paths = Array.from({ length: n }, (_, i) =>
        Array.from(
          { length: (i === 0 ? 0 : 1) + Math.floor(rng.next() * 2) },
          () => 1 + Math.floor(rng.next() * 40),
        ),
      );
      const build = (sum: (b: GraphBuilder, terms: number[]) => number): ArchGraph => {
        const b = new GraphBuilder([10, 10, 2]);
        const x = b.add(conv(6, 3))!;
        const terms = paths.map((filters) => {
          let cur = x;
          for (const f of filters) cur = b.add(conv(f, 3), [cur])!;
          return filters.length ? b.add(reference.conv(6, 1), [cur])! : x;
        });
        b.add({ kind: 'global-pool', type: 'avg' }, [sum(b, terms)]);
        return b.build();
      };
      for (const convention of ['tflm', 'unas'] as const) {
        const chained = peak(
          build((b, terms) => b.add({ kind: 'add' }, terms)!),
          convention,
        );
        const best = Math.min(
          ...permutations([...Array(n).keys()]).map((order) =>
            peak(
              build((b, terms) => {
                let acc = terms[order[0]!]!;
                for (let k = 1; k < n; k++) acc = b.add({ kind: 'add' }, [acc, terms[order[k]!]!])!;
                return acc;
              }),
              convention,
            ),
          ),
        );
        expect(chained, `trial ${trial} ${convention}`).toBe(best);
      }
    }
  });
});
