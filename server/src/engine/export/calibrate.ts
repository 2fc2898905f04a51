import * as tf from '@tensorflow/tfjs';
import type { ArchGraph, GraphNode } from '../arch/graph.js';
import { allocateBatch, createBatchIterator } from '../data/batches.js';
import type { Split } from '../data/dataset.js';
import { batchNormAffine, type BatchNormParams } from './quantize.js';
import type { ActivationRange, Calibration, LayerParams } from './quantize-graph.js';

/**
 * The tfjs side of the exporter: the trained float parameters of each node (as model-builder named
 * the layers: `<name>`, `<name>_bn`, `<name>_relu` / `_relu6`) and activation ranges measured by
 * running the float model on a sample of training images.
 */

function layer(model: tf.LayersModel, name: string): tf.layers.Layer | undefined {
  try {
    return model.getLayer(name);
  } catch {
    return undefined;
  }
}

/** The layer whose output is the node's tensor (after its fused batch norm and activation). */
export function outputLayer(model: tf.LayersModel, node: GraphNode): tf.layers.Layer {
  for (const n of [`${node.name}_relu6`, `${node.name}_relu`, `${node.name}_bn`, node.name]) {
    const l = layer(model, n);
    if (l) return l;
  }
  throw new Error(`the model has no layer for ${node.name}`);
}

function batchNormOf(l: tf.layers.Layer): BatchNormParams {
  const weights = l.getWeights();
  const config = l.getConfig() as { epsilon?: number; center?: boolean; scale?: boolean };
  const channels = weights[weights.length - 1]!.size;
  let k = 0;
  const gamma =
    config.scale === false ? new Float32Array(channels).fill(1) : (weights[k++]!.dataSync() as Float32Array);
  const beta =
    config.center === false ? new Float32Array(channels) : (weights[k++]!.dataSync() as Float32Array);
  const mean = weights[k++]!.dataSync() as Float32Array;
  const variance = weights[k++]!.dataSync() as Float32Array;
  return { gamma, beta, mean, variance, epsilon: config.epsilon ?? 1e-3 };
}

/** Float parameters per node: kernels and biases (Keras layout), batch norm statistics. */
export function extractParams(graph: ArchGraph, model: tf.LayersModel): Map<number, LayerParams> {
  const out = new Map<number, LayerParams>();
  for (const node of graph.nodes) {
    const k = node.op.kind;
    if (k === 'conv2d' || k === 'dwconv2d' || k === 'dense') {
      const l = layer(model, node.name);
      if (!l) throw new Error(`the model has no layer named ${node.name}`);
      const [kernel, bias] = l.getWeights();
      if (!kernel) throw new Error(`layer ${node.name} has no weights`);
      const channels = node.shape[node.shape.length - 1]!;
      const bn = node.op.batchnorm ? layer(model, `${node.name}_bn`) : undefined;
      if (node.op.batchnorm && !bn) throw new Error(`the model has no layer named ${node.name}_bn`);
      out.set(node.id, {
        kernel: kernel.dataSync() as Float32Array,
        bias: bias ? (bias.dataSync() as Float32Array) : new Float32Array(channels),
        ...(bn ? { batchnorm: batchNormOf(bn) } : {}),
      });
    } else if (k === 'batchnorm') {
      const l = layer(model, node.name);
      if (!l) throw new Error(`the model has no layer named ${node.name}`);
      out.set(node.id, { batchnorm: batchNormOf(l) });
    }
  }
  return out;
}

/** `count` normalised images from a split (a seeded sample), as one NHWC float array. */
export function sampleImages(split: Split, count: number, seed = 0): { images: Float32Array; count: number } {
  const n = Math.min(count, split.size);
  const it = createBatchIterator(split, { batchSize: Math.max(1, n), seed, shuffle: true });
  const buffers = allocateBatch(split.shape, Math.max(1, n));
  const filled = it.fill(0, 0, buffers);
  return {
    images: buffers.inputs.subarray(0, filled * split.shape[0] * split.shape[1] * split.shape[2]),
    count: filled,
  };
}

/**
 * Runs the float model on `images` (NHWC, normalised as in training) and records, for every node
 * that owns a tensor, the min and max of its output per channel; returns the overall ranges and,
 * for unfused batch norms, the range of their multiply.
 */
export async function calibrate(
  graph: ArchGraph,
  model: tf.LayersModel,
  images: Float32Array,
  count: number,
  params?: ReadonlyMap<number, LayerParams>,
  batchSize = 100,
): Promise<Calibration> {
  const nodes = graph.nodes.filter((n) => n.id > 0 && n.op.kind !== 'dropout');
  const probe = tf.model({
    inputs: model.inputs,
    outputs: nodes.map((n) => outputLayer(model, n).output as tf.SymbolicTensor),
  });
  const inputShape = graph.nodes[0]!.shape;
  const per = inputShape.reduce((a, b) => a * b, 1);
  const lo = new Map<number, Float64Array>();
  const hi = new Map<number, Float64Array>();
  for (const n of [graph.nodes[0]!, ...nodes]) {
    const c = n.shape[n.shape.length - 1]!;
    lo.set(n.id, new Float64Array(c).fill(Infinity));
    hi.set(n.id, new Float64Array(c).fill(-Infinity));
  }
  const record = (id: number, mins: ArrayLike<number>, maxs: ArrayLike<number>): void => {
    const l = lo.get(id)!;
    const h = hi.get(id)!;
    for (let c = 0; c < l.length; c++) {
      l[c] = Math.min(l[c]!, mins[c]!);
      h[c] = Math.max(h[c]!, maxs[c]!);
    }
  };
  for (let start = 0; start < count; start += batchSize) {
    const b = Math.min(batchSize, count - start);
    const reductions = tf.tidy(() => {
      const x = tf.tensor(images.subarray(start * per, (start + b) * per), [b, ...inputShape]);
      const raw = probe.predict(x);
      const outs = Array.isArray(raw) ? raw : [raw];
      const all = [x, ...outs];
      return all.flatMap((t) => {
        const axes = Array.from({ length: t.rank - 1 }, (_, i) => i);
        return [t.min(axes), t.max(axes)];
      });
    });
    const values = await Promise.all(reductions.map((t) => t.data()));
    reductions.forEach((t) => t.dispose());
    [graph.nodes[0]!, ...nodes].forEach((n, i) => record(n.id, values[2 * i]!, values[2 * i + 1]!));
  }
  const ranges = new Map<number, ActivationRange>();
  for (const [id, l] of lo) {
    const h = hi.get(id)!;
    ranges.set(id, { min: Math.min(...l), max: Math.max(...h) });
  }
  const innerRanges = new Map<number, ActivationRange>();
  for (const n of graph.nodes) {
    if (n.op.kind !== 'batchnorm') continue;
    const bn = params?.get(n.id)?.batchnorm;
    if (!bn) continue;
    const { multiplier } = batchNormAffine(bn);
    let source = n.inputs[0]!;
    while (graph.nodes[source]!.op.kind === 'dropout') source = graph.nodes[source]!.inputs[0]!;
    const inLo = lo.get(source)!;
    const inHi = hi.get(source)!;
    let min = Infinity;
    let max = -Infinity;
    for (let c = 0; c < multiplier.length; c++) {
      const a = inLo[c]! * multiplier[c]!;
      const z = inHi[c]! * multiplier[c]!;
      min = Math.min(min, a, z);
      max = Math.max(max, a, z);
    }
    innerRanges.set(n.id, { min, max });
  }
  return { ranges, innerRanges };
}
