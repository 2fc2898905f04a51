/**
 * Resource-model throughput: full estimates per second for random 10-layer chains (goal ≥ 100 000/s)
 * and for branching graphs of ≤ 20 nodes (goal ≥ 10 000/s), and the time of the search-space
 * bounds the editor computes on every change (goal < 10 ms).
 */
import type { ArchGraph, Op } from '../server/src/engine/arch/graph.js';
import { GraphBuilder } from '../server/src/engine/arch/builder.js';
import type { SearchSpace } from '../server/src/engine/arch/space.js';
import { estimate, type EstimateOptions } from '../server/src/engine/resources/estimate.js';
import { spaceBounds } from '../server/src/engine/resources/space-bounds.js';
import { mulberry32 } from '../server/src/engine/rng/seeded-rng.js';
import { muNasSpace } from '../test/harness/random-archs.js';

/** The engine's seeded RNG, so every run measures the same graphs. */
function rng(seed: number): () => number {
  const r = mulberry32(seed);
  return () => r.next();
}

const conv = (filters: number, k: number, s: number): Op => ({
  kind: 'conv2d',
  filters,
  kernel: [k, k],
  stride: [s, s],
  padding: 'same',
  activation: 'relu',
  batchnorm: true,
});
const dw = (k: number, s: number): Op => ({
  kind: 'dwconv2d',
  kernel: [k, k],
  stride: [s, s],
  padding: 'same',
  multiplier: 1,
  activation: 'relu',
  batchnorm: true,
});
const pool: Op = { kind: 'pool', type: 'max', size: [2, 2], stride: [2, 2], padding: 'valid' };

/** 10 layers: 7 conv / depthwise / pool layers on a 32×32×3 input, flatten, 2 dense. */
function randomChain(r: () => number): ArchGraph {
  const b = new GraphBuilder([32, 32, 3]);
  for (let i = 0; i < 7; i++) {
    const x = r();
    b.add(
      x < 0.5
        ? conv(4 + Math.floor(r() * 60), r() < 0.5 ? 3 : 5, r() < 0.3 ? 2 : 1)
        : x < 0.8
          ? dw(3, r() < 0.3 ? 2 : 1)
          : pool,
    );
  }
  b.add({ kind: 'flatten' });
  b.add({ kind: 'dense', units: 16 + Math.floor(r() * 100), activation: 'relu', batchnorm: false });
  b.add({ kind: 'dense', units: 10, activation: 'none', batchnorm: false });
  return b.build();
}

/** ≤ 20 nodes: a stem, 2–3 parallel branches of 1–3 layers tied up by an add, a second such stage, a head. */
function randomBranching(r: () => number): ArchGraph {
  const b = new GraphBuilder([32, 32, 3]);
  let x = b.add(conv(8 + Math.floor(r() * 24), 3, 2))!;
  for (let stage = 0; stage < 2; stage++) {
    const channels = b.shapeOf(x)[2]!;
    const outs: number[] = [];
    const branches = 2 + Math.floor(r() * 2);
    for (let j = 0; j < branches; j++) {
      let y = x;
      const layers = 1 + Math.floor(r() * 2);
      for (let l = 0; l < layers; l++)
        y = b.add(
          l === layers - 1
            ? conv(channels, 1, 1)
            : r() < 0.5
              ? dw(3, 1)
              : conv(4 + Math.floor(r() * 40), 3, 1),
          [y],
        )!;
      outs.push(y);
    }
    x = b.add({ kind: 'add' }, outs)!;
    x = b.add(pool, [x])!;
  }
  b.add({ kind: 'flatten' });
  b.add({ kind: 'dense', units: 10, activation: 'none', batchnorm: false });
  return b.build();
}

function perSecond(graphs: readonly ArchGraph[], options: EstimateOptions, ms: number): number {
  for (let i = 0; i < 2000; i++) estimate(graphs[i % graphs.length]!, options); // warm-up
  let n = 0;
  let sink = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 500; i++) sink += estimate(graphs[n++ % graphs.length]!, options).totals.peakRam;
    now = performance.now();
  }
  if (sink < 0) throw new Error('unreachable');
  return Math.round((n * 1000) / (now - start));
}

/** μNAS's CIFAR-10 space (blocks 1–10, layers 1–3, 1–128 filters, 10–256 units), without and with branches. */
function cifarSpace(branch: number, input: readonly number[] = [32, 32, 3]): SearchSpace {
  const base = muNasSpace();
  return muNasSpace({
    input,
    blocks: { min: 1, max: 10 },
    layer: { ...base.layer, channels: { min: 1, max: 128 } },
    branch,
    dense: { min: 1, max: 3 },
    units: { min: 10, max: 256 },
    dropout: 0,
  });
}

function boundsMs(space: SearchSpace, convention: 'unas' | 'tflm'): number {
  for (let i = 0; i < 5; i++) spaceBounds(space, { convention }); // warm-up
  const runs = 20;
  const start = performance.now();
  for (let i = 0; i < runs; i++) spaceBounds(space, { convention });
  return Math.round(((performance.now() - start) / runs) * 100) / 100;
}

export async function benchResources(): Promise<Record<string, unknown>> {
  const r = rng(2021);
  const chains = Array.from({ length: 256 }, () => randomChain(r));
  const branching = Array.from({ length: 256 }, () => randomBranching(r));
  const maxNodes = Math.max(...branching.map((g) => g.nodes.length));
  return {
    'chain10.tflm.board.estimatesPerSec': perSecond(chains, { board: 'nucleo-f746zg' }, 1000),
    'chain10.unas.estimatesPerSec': perSecond(chains, { convention: 'unas' }, 1000),
    'branching.maxNodes': maxNodes,
    'branching.tflm.board.estimatesPerSec': perSecond(branching, { board: 'nucleo-f746zg' }, 1000),
    'branching.unas.estimatesPerSec': perSecond(branching, { convention: 'unas' }, 1000),
    'spaceBounds.cifar10.unas.ms': boundsMs(cifarSpace(0), 'unas'),
    'spaceBounds.cifar10.tflm.ms': boundsMs(cifarSpace(0), 'tflm'),
    'spaceBounds.cifar10.branches.tflm.ms': boundsMs(cifarSpace(0.5), 'tflm'),
    'spaceBounds.speech49x40.tflm.ms': boundsMs(cifarSpace(0, [49, 40, 1]), 'tflm'),
    goals: { chain10: 100_000, branching: 10_000, spaceBoundsMs: 10 },
  };
}
