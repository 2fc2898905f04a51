import { GraphBuilder } from '../../server/src/engine/arch/builder.js';
import { conv1x1, type ArchGraph } from '../../server/src/engine/arch/graph.js';
import type { Rng } from '../../server/src/engine/rng/seeded-rng.js';

/**
 * A random but shape-valid graph covering every operator the engine builds: convs, depthwise,
 * pools, add/concat branches, unfused batch norm and activations, global pooling or flatten,
 * dropout and a dense head. Shared by the model-builder and exporter tests.
 */
export function randomGraph(rng: Rng): ArchGraph {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  const size = 6 + rng.int(20);
  const b = new GraphBuilder([size, size, 1 + rng.int(3)]);
  const bn = () => rng.next() < 0.4;
  for (let i = 0, n = 1 + rng.int(6); i < n; i++) {
    const from = b.last;
    const [h] = b.shapeOf(from) as [number, number, number];
    const padding = pick(['valid', 'same'] as const);
    const k = Math.min(h, pick([1, 3, 5]));
    const s = pick([1, 1, 2]);
    const kind = rng.int(7);
    if (kind === 0)
      b.add({
        kind: 'conv2d',
        filters: 1 + rng.int(12),
        kernel: [k, k],
        stride: [s, s],
        padding,
        activation: pick(['none', 'relu', 'relu6'] as const),
        batchnorm: bn(),
      });
    else if (kind === 1)
      b.add({
        kind: 'dwconv2d',
        kernel: [k, k],
        stride: [s, s],
        padding,
        multiplier: 1 + rng.int(2),
        activation: pick(['none', 'relu'] as const),
        batchnorm: bn(),
      });
    else if (kind === 2 && h >= 2)
      b.add({ kind: 'pool', type: pick(['max', 'avg'] as const), size: [2, 2], stride: [2, 2], padding });
    else if (kind === 3) {
      const c = b.shapeOf(from)[2]!;
      const left = b.add(conv1x1(c, 'same', 'relu'), [from]);
      const right = b.add(
        {
          kind: 'dwconv2d',
          kernel: [3, 3],
          stride: [1, 1],
          padding: 'same',
          multiplier: 1,
          activation: 'none',
          batchnorm: false,
        },
        [from],
      );
      if (left !== undefined && right !== undefined)
        b.add({ kind: rng.next() < 0.5 ? 'add' : 'concat' }, [left, right]);
    } else if (kind === 4) {
      // Unfused batch norm and activation (after a pool, so the builder cannot fuse them).
      if (h >= 2) b.add({ kind: 'pool', type: 'max', size: [2, 2], stride: [2, 2], padding: 'same' });
      if (rng.next() < 0.5) b.add({ kind: 'batchnorm' });
      b.add({ kind: 'activation', fn: pick(['relu', 'relu6'] as const) });
    } else {
      b.add({
        kind: 'conv2d',
        filters: 2 + rng.int(6),
        kernel: [k, k],
        stride: [1, 1],
        padding: 'same',
        activation: 'relu',
        batchnorm: false,
      });
    }
  }
  b.add(
    rng.next() < 0.5 ? { kind: 'global-pool', type: pick(['avg', 'max'] as const) } : { kind: 'flatten' },
  );
  if (rng.next() < 0.5) {
    b.add({ kind: 'dropout', rate: 0.1 });
    b.add({ kind: 'dense', units: 4 + rng.int(16), activation: 'relu', batchnorm: bn() });
  }
  b.add({ kind: 'dense', units: 10, activation: 'none', batchnorm: false });
  if (rng.next() < 0.8) b.add({ kind: 'softmax' });
  if (b.errors.length) throw new Error(b.errors.map((e) => e.message).join('; '));
  return b.build();
}
