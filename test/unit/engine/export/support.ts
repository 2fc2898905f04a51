/**
 * Hand-made models for the exporter tests: random but shape-valid graphs (every operator the
 * exporter writes), random float parameters in Keras layout and random calibration ranges —
 * no training, no tfjs.
 */
import { GraphBuilder } from '../../../../server/src/engine/arch/builder.js';
import { type ArchGraph, elementCount } from '../../../../server/src/engine/arch/graph.js';
import type { BatchNormParams } from '../../../../server/src/engine/export/quantize.js';
import type { ActivationRange, Calibration, LayerParams } from '../../../../server/src/engine/export/quantize-graph.js';
import type { Rng } from '../resources/random-archs.js';

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
    if (kind === 0) b.add({ kind: 'conv2d', filters: 1 + rng.int(12), kernel: [k, k], stride: [s, s], padding, activation: pick(['none', 'relu', 'relu6'] as const), batchnorm: bn() });
    else if (kind === 1) b.add({ kind: 'dwconv2d', kernel: [k, k], stride: [s, s], padding, multiplier: 1 + rng.int(2), activation: pick(['none', 'relu'] as const), batchnorm: bn() });
    else if (kind === 2 && h >= 2) b.add({ kind: 'pool', type: pick(['max', 'avg'] as const), size: [2, 2], stride: [2, 2], padding });
    else if (kind === 3) {
      const c = b.shapeOf(from)[2]!;
      const left = b.add({ kind: 'conv2d', filters: c, kernel: [1, 1], stride: [1, 1], padding: 'same', activation: 'relu', batchnorm: false }, [from]);
      const right = b.add({ kind: 'dwconv2d', kernel: [3, 3], stride: [1, 1], padding: 'same', multiplier: 1, activation: 'none', batchnorm: false }, [from]);
      if (left !== undefined && right !== undefined) b.add({ kind: rng.next() < 0.5 ? 'add' : 'concat' }, [left, right]);
    } else if (kind === 4) {
      // Unfused batch norm and activation (after a pool, so the builder cannot fuse them).
      if (h >= 2) b.add({ kind: 'pool', type: 'max', size: [2, 2], stride: [2, 2], padding: 'same' });
      if (rng.next() < 0.5) b.add({ kind: 'batchnorm' });
      b.add({ kind: 'activation', fn: pick(['relu', 'relu6'] as const) });
    } else {
      b.add({ kind: 'conv2d', filters: 2 + rng.int(6), kernel: [k, k], stride: [1, 1], padding: 'same', activation: 'relu', batchnorm: false });
    }
  }
  b.add(rng.next() < 0.5 ? { kind: 'global-pool', type: pick(['avg', 'max'] as const) } : { kind: 'flatten' });
  if (rng.next() < 0.5) { b.add({ kind: 'dropout', rate: 0.1 }); b.add({ kind: 'dense', units: 4 + rng.int(16), activation: 'relu', batchnorm: bn() }); }
  b.add({ kind: 'dense', units: 10, activation: 'none', batchnorm: false });
  if (rng.next() < 0.8) b.add({ kind: 'softmax' });
  if (b.errors.length) throw new Error(b.errors.map((e) => e.message).join('; '));
  return b.build();
}

const uniform = (rng: Rng, n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);

export function randomBatchNorm(rng: Rng, c: number): BatchNormParams {
  return {
    gamma: Float32Array.from({ length: c }, () => 0.5 + rng.next()),
    beta: uniform(rng, c, 0.5),
    mean: uniform(rng, c, 0.5),
    variance: Float32Array.from({ length: c }, () => 0.2 + rng.next()),
    epsilon: 1e-3,
  };
}

/** Random float parameters in Keras layout for every conv / depthwise / dense / batch norm node. */
export function randomParams(graph: ArchGraph, rng: Rng): Map<number, LayerParams> {
  const out = new Map<number, LayerParams>();
  for (const node of graph.nodes) {
    const op = node.op;
    const inShape = graph.nodes[node.inputs[0] ?? 0]!.shape;
    const c = node.shape[node.shape.length - 1]!;
    let weights = 0;
    if (op.kind === 'conv2d') weights = op.kernel[0] * op.kernel[1] * inShape[2]! * op.filters;
    else if (op.kind === 'dwconv2d') weights = op.kernel[0] * op.kernel[1] * inShape[2]! * op.multiplier;
    else if (op.kind === 'dense') weights = elementCount(inShape) * op.units;
    if (weights && (op.kind === 'conv2d' || op.kind === 'dwconv2d' || op.kind === 'dense')) {
      out.set(node.id, { kernel: uniform(rng, weights, 0.5), bias: uniform(rng, c, 0.2), ...(op.batchnorm ? { batchnorm: randomBatchNorm(rng, c) } : {}) });
    } else if (op.kind === 'batchnorm') {
      out.set(node.id, { batchnorm: randomBatchNorm(rng, c) });
    }
  }
  return out;
}

/** Random ranges: [0, x] after a ReLU, [−x, y] elsewhere; the input [0, 1]. */
export function randomCalibration(graph: ArchGraph, rng: Rng): Calibration {
  const ranges = new Map<number, ActivationRange>();
  const innerRanges = new Map<number, ActivationRange>();
  for (const node of graph.nodes) {
    const op = node.op;
    const relu = ('activation' in op && op.activation !== 'none') || op.kind === 'activation';
    ranges.set(node.id, node.id === 0 ? { min: 0, max: 1 } : { min: relu ? 0 : -0.5 - 4 * rng.next(), max: 0.5 + 4 * rng.next() });
    if (op.kind === 'batchnorm') innerRanges.set(node.id, { min: -1 - rng.next(), max: 1 + rng.next() });
  }
  return { ranges, innerRanges };
}
