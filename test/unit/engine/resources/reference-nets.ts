/**
 * The reference networks of domain.md, built with the shared GraphBuilder, plus a few small nets
 * the resource tests share.
 */
import type { Activation, ArchGraph, Padding, Pair } from '../../../../server/src/engine/arch/graph.js';
import { GraphBuilder } from '../../../../server/src/engine/arch/builder.js';

export const conv = (
  filters: number,
  k: number | Pair,
  s: number | Pair = 1,
  padding: Padding = 'valid',
  activation: Activation = 'none',
) => ({
  kind: 'conv2d' as const,
  filters,
  kernel: (typeof k === 'number' ? [k, k] : k) as Pair,
  stride: (typeof s === 'number' ? [s, s] : s) as Pair,
  padding,
  activation,
  batchnorm: false,
});
export const dw = (k: number, s = 1, padding: Padding = 'valid', activation: Activation = 'none') => ({
  kind: 'dwconv2d' as const,
  kernel: [k, k] as Pair,
  stride: [s, s] as Pair,
  padding,
  multiplier: 1,
  activation,
  batchnorm: false,
});
export const maxpool = (p: number, s = p, padding: Padding = 'valid') => ({
  kind: 'pool' as const,
  type: 'max' as const,
  size: [p, p] as Pair,
  stride: [s, s] as Pair,
  padding,
});
export const avgpool = (p: number, s = p) => ({
  kind: 'pool' as const,
  type: 'avg' as const,
  size: [p, p] as Pair,
  stride: [s, s] as Pair,
  padding: 'valid' as const,
});
export const dense = (units: number, activation: Activation = 'none') => ({
  kind: 'dense' as const,
  units,
  activation,
  batchnorm: false,
});
export const flatten = { kind: 'flatten' as const };
export const softmax = { kind: 'softmax' as const };
export const add = { kind: 'add' as const };
export const globalAvg = { kind: 'global-pool' as const, type: 'avg' as const };

function must(b: GraphBuilder): ArchGraph {
  if (b.errors.length) throw new Error(b.errors.map((e) => e.message).join('; '));
  return b.build();
}

/** T1 (tflite-tools example): 32×32×3 → conv3×3·16 relu → conv3×3·16 → maxpool 2 → dense 128 relu → dense 10 → softmax. */
export function t1(): ArchGraph {
  const b = new GraphBuilder([32, 32, 3]);
  b.add(conv(16, 3, 1, 'valid', 'relu'));
  b.add(conv(16, 3));
  b.add(maxpool(2));
  b.add(flatten);
  b.add(dense(128, 'relu'));
  b.add(dense(10));
  b.add(softmax);
  return must(b);
}

/** T4 (DS-CNN-S, Hello Edge): 49×10×1 → conv 10×4·64 /2 same → 4 × (dw3×3 + 1×1·64), same, BN+ReLU → global avg → dense 12. */
export function t4(): ArchGraph {
  const b = new GraphBuilder([49, 10, 1]);
  b.add(conv(64, [10, 4], 2, 'same'));
  b.add({ kind: 'batchnorm' });
  b.add({ kind: 'activation', fn: 'relu' });
  for (let i = 0; i < 4; i++) {
    b.add(dw(3, 1, 'same'));
    b.add({ kind: 'batchnorm' });
    b.add({ kind: 'activation', fn: 'relu' });
    b.add(conv(64, 1, 1, 'same'));
    b.add({ kind: 'batchnorm' });
    b.add({ kind: 'activation', fn: 'relu' });
  }
  b.add(globalAvg);
  b.add(dense(12));
  return must(b);
}

/** Builds a graph from a list of [op, inputs?] steps; inputs default to the previous node. */
export function graphOf(
  input: readonly number[],
  steps: readonly (readonly [Parameters<GraphBuilder['add']>[0], (readonly number[])?])[],
): ArchGraph {
  const b = new GraphBuilder(input);
  for (const [op, ins] of steps) b.add(op, ins ? [...ins] : undefined);
  return must(b);
}
