import { describe, expect, it } from 'vitest';
import type { ArchGraph } from '../../../../server/src/engine/arch/graph.js';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { TFLM, UNAS } from '../../../../server/src/engine/resources/conventions.js';
import { buildMemoryGraph } from '../../../../server/src/engine/resources/memory-graph.js';
import { operatorFloor, optimalOrder } from '../../../../server/src/engine/resources/peak-ram.js';
import { simulateOrder } from '../../../../server/src/engine/resources/working-set.js';
import { nodeMacs } from '../../../../server/src/engine/resources/macs.js';
import {
  mulberry32,
  muNasSpace,
  randomDag,
  sampleArch,
  topologicalOrders,
} from '../../../harness/random-archs.js';

const conventions = [UNAS, TFLM] as const;

describe('the exact search finds the true optimum', () => {
  // Small random DAGs (adds, shared inputs, dead ends tied by a concat): brute force over every
  // topological order must agree with the memoised search, in both conventions (in-place add in unas).
  it.each(Array.from({ length: 60 }, (_, i) => i))('random DAG #%i', (seed) => {
    const g = randomDag(mulberry32(1000 + seed), 3 + (seed % 5));
    for (const conv of conventions) {
      const mg = buildMemoryGraph(g, conv);
      const inputs = Array.from({ length: mg.n }, (_, t) =>
        mg.inList.slice(mg.inStart[t]!, mg.inStart[t + 1]!),
      );
      let brute = Infinity;
      for (const order of topologicalOrders(inputs)) brute = Math.min(brute, simulateOrder(mg, order).peak);
      const best = optimalOrder(mg);
      expect(best.exact).toBe(true);
      expect(best.peak).toBe(brute);
      expect(simulateOrder(mg, best.order).peak).toBe(best.peak);
    }
  });
});

describe('properties over random μNAS architectures (with branches)', () => {
  const rng = mulberry32(42);
  const space = muNasSpace({ branch: 0.5, blocks: { min: 1, max: 5 }, input: [24, 24, 2] });
  const graphs: ArchGraph[] = Array.from({ length: 120 }, () => sampleArch(space, rng));

  it('peak RAM ≥ the largest single operator (inputs + output), ≤ the file order', () => {
    for (const g of graphs) {
      for (const conv of conventions) {
        const mg = buildMemoryGraph(g, conv);
        let floor = 0;
        for (let t = 1; t < mg.n; t++) floor = Math.max(floor, operatorFloor(mg, t));
        const e = estimate(g, { convention: conv });
        expect(e.totals.peakRam).toBeGreaterThanOrEqual(floor);
        expect(e.totals.peakRamLowerBound).toBeGreaterThanOrEqual(floor);
        expect(e.totals.peakRam).toBeLessThanOrEqual(e.totals.peakRamFileOrder);
        expect(e.totals.peakRam).toBe(Math.max(...e.layers.map((l) => l.ram ?? 0)));
      }
    }
  });

  it('the arena holds at least the peak working set of its order', () => {
    for (const g of graphs) {
      const best = estimate(g, { convention: 'tflm' });
      expect(best.totals.arena.tensors).toBeGreaterThanOrEqual(best.totals.peakRam);
      const file = estimate(g, { convention: 'tflm', order: 'file' });
      expect(file.totals.arena.tensors).toBeGreaterThanOrEqual(file.totals.peakRamFileOrder);
      // Alignment and fragmentation only add: never more than the sum of every aligned buffer.
      const sum = best.layers
        .filter((l) => l.aliasOf === null)
        .reduce((s, l) => s + Math.ceil(l.outputBytes / 16) * 16, 0);
      expect(best.totals.arena.tensors).toBeLessThanOrEqual(sum);
    }
  });

  it('MACs, flash and parameters are additive over layers', () => {
    for (const g of graphs) {
      const e = estimate(g, { convention: 'tflm' });
      expect(e.totals.macs).toBe(g.nodes.reduce((s, n) => s + nodeMacs(g, n.id), 0));
      expect(e.totals.macs).toBe(e.layers.reduce((s, l) => s + l.macs, 0));
      expect(e.totals.flash).toBe(e.layers.reduce((s, l) => s + l.flash, 0) + e.totals.flashModelOverhead);
      expect(e.totals.params).toBe(e.layers.reduce((s, l) => s + l.params, 0));
    }
  });

  it('flash grows with the channels of any conv', () => {
    for (const g of graphs.slice(0, 40)) {
      const convs = g.nodes.filter((n) => n.op.kind === 'conv2d');
      for (const target of convs.slice(0, 3)) {
        // Widen one conv; an add fed by it keeps shapes equal only if its partner follows, so skip those.
        if (
          g.nodes.some((n) => n.inputs.includes(target.id) && (n.op.kind === 'add' || n.op.kind === 'concat'))
        )
          continue;
        const wider = widen(g, target.id, 3);
        if (!wider) continue;
        for (const conv of conventions) {
          expect(estimate(wider, { convention: conv }).totals.flash).toBeGreaterThan(
            estimate(g, { convention: conv }).totals.flash,
          );
        }
      }
    }
  });
});

/** The same graph with `extra` more filters in conv node `id`, shapes re-derived; undefined if it no longer builds. */
function widen(g: ArchGraph, id: number, extra: number): ArchGraph | undefined {
  const nodes = g.nodes.map((n) =>
    n.id === id && n.op.kind === 'conv2d' ? { ...n, op: { ...n.op, filters: n.op.filters + extra } } : n,
  );
  // Rebuild shapes with the shared shape function via the builder.
  return rebuild({ nodes, output: g.output });
}

import { GraphBuilder } from '../../../../server/src/engine/arch/builder.js';
function rebuild(g: ArchGraph): ArchGraph | undefined {
  const b = new GraphBuilder(g.nodes[0]!.shape);
  for (const n of g.nodes.slice(1)) if (b.add(n.op, n.inputs) === undefined) return undefined;
  return b.build();
}
