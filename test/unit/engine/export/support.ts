/**
 * Hand-made models for the exporter tests: random but shape-valid graphs (every operator the
 * exporter writes), random float parameters in Keras layout and random calibration ranges —
 * no training, no tfjs.
 */
import { type ArchGraph, elementCount } from '../../../../server/src/engine/arch/graph.js';
import type { BatchNormParams } from '../../../../server/src/engine/export/quantize.js';
import type {
  ActivationRange,
  Calibration,
  LayerParams,
} from '../../../../server/src/engine/export/quantize-graph.js';
import type { Rng } from '../../../../server/src/engine/rng/seeded-rng.js';
export { randomGraph } from '../../../support/random-graph.js';

const uniform = (rng: Rng, n: number, scale: number): Float32Array =>
  Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);

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
      out.set(node.id, {
        kernel: uniform(rng, weights, 0.5),
        bias: uniform(rng, c, 0.2),
        ...(op.batchnorm ? { batchnorm: randomBatchNorm(rng, c) } : {}),
      });
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
    ranges.set(
      node.id,
      node.id === 0
        ? { min: 0, max: 1 }
        : { min: relu ? 0 : -0.5 - 4 * rng.next(), max: 0.5 + 4 * rng.next() },
    );
    if (op.kind === 'batchnorm') innerRanges.set(node.id, { min: -1 - rng.next(), max: 1 + rng.next() });
  }
  return { ranges, innerRanges };
}
