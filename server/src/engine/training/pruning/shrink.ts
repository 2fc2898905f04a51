import * as tf from '@tensorflow/tfjs';
import type { ArchGraph, GraphNode } from '../../arch/graph.js';
import { inferShape } from '../../arch/shapes.js';

/**
 * Structured pruning made real: the pruned channels are removed, not zeroed. `keep` maps a pruned
 * node (a conv2d or dense whose channels are free, see prunable.ts) to the output channels it
 * keeps. The smaller graph has fewer filters / units and every shape re-inferred with the one
 * shape function; its weights are the masked network's with the removed channels sliced out, so
 * both compute the same function (a removed channel was exactly zero: kernel, bias and batch-norm
 * scale and shift all masked).
 */

/** The graph with the pruned nodes' filters / units reduced to the kept count. */
export function shrinkGraph(graph: ArchGraph, keep: ReadonlyMap<number, readonly number[]>): ArchGraph {
  const nodes: GraphNode[] = [];
  for (const n of graph.nodes) {
    const kept = keep.get(n.id);
    let op = n.op;
    if (kept && op.kind === 'conv2d') op = { ...op, filters: kept.length };
    else if (kept && op.kind === 'dense') op = { ...op, units: kept.length };
    const r = inferShape(
      op,
      n.inputs.map((i) => nodes[i]!.shape),
    );
    if (!r.ok) throw new Error(`pruned ${n.name}: ${r.error}`);
    nodes.push({ ...n, op, shape: r.shape });
  }
  return { nodes, output: graph.output };
}

/**
 * For each node, the channels of the *original* output that survive in the smaller network
 * (undefined = all). Channel-wise ops pass their input's through; flatten expands them to the
 * flattened positions (H·W·C order, channels fastest, as Keras flattens).
 */
export function survivingChannels(
  graph: ArchGraph,
  keep: ReadonlyMap<number, readonly number[]>,
): (readonly number[] | undefined)[] {
  const out: (readonly number[] | undefined)[] = [];
  for (const n of graph.nodes) {
    const input = n.inputs.length ? out[n.inputs[0]!] : undefined;
    switch (n.op.kind) {
      case 'conv2d':
      case 'dense':
        out.push(keep.get(n.id));
        break;
      case 'dwconv2d': {
        const m = n.op.multiplier;
        out.push(input?.flatMap((c) => Array.from({ length: m }, (_, j) => c * m + j)));
        break;
      }
      case 'flatten': {
        const [h, w, c] = graph.nodes[n.inputs[0]!]!.shape;
        if (!input || c === undefined) out.push(input);
        else {
          const idx: number[] = [];
          for (let p = 0; p < (h ?? 1) * (w ?? 1); p++) for (const k of input) idx.push(p * c + k);
          out.push(idx);
        }
        break;
      }
      case 'add':
      case 'concat':
      case 'input':
        if (n.inputs.some((i) => out[i])) throw new Error(`${n.name} reads a pruned tensor`);
        out.push(undefined);
        break;
      default:
        out.push(input);
    }
  }
  return out;
}

const gather = (t: tf.Tensor, idx: readonly number[] | undefined, axis: number): tf.Tensor =>
  idx ? tf.gather(t, tf.tensor1d(Int32Array.from(idx), 'int32'), axis) : t.clone();

/**
 * Copies the weights of `big` (built from `graph`) into `small` (built from `shrinkGraph(graph, keep)`),
 * slicing out removed channels: a kernel loses its removed outputs (last axis) and the rows of its
 * input's removed channels; biases and batch-norm parameters lose the removed outputs.
 */
export function copyShrunkWeights(
  graph: ArchGraph,
  keep: ReadonlyMap<number, readonly number[]>,
  big: tf.LayersModel,
  small: tf.LayersModel,
): void {
  const surviving = survivingChannels(graph, keep);
  const setSliced = (name: string, slice: (w: tf.Tensor, i: number) => tf.Tensor) => {
    let layer: tf.layers.Layer;
    try {
      layer = big.getLayer(name);
    } catch {
      return;
    }
    // Fresh buffers: the wasm backend keeps a gather's rank-4 working shape on the result's data,
    // which its fused conv then rejects as a bias.
    const ws = tf.tidy(() =>
      layer.getWeights().map((w, i) => {
        const t = slice(w, i);
        return tf.tensor(t.dataSync(), t.shape);
      }),
    );
    small.getLayer(name).setWeights(ws);
    ws.forEach((w) => w.dispose());
  };
  for (const n of graph.nodes) {
    const own = surviving[n.id];
    const input = n.inputs.length ? surviving[n.inputs[0]!] : undefined;
    switch (n.op.kind) {
      case 'conv2d':
        setSliced(n.name, (w, i) => (i === 0 ? gather(gather(w, input, 2), own, 3) : gather(w, own, 0)));
        break;
      case 'dense':
        setSliced(n.name, (w, i) => (i === 0 ? gather(gather(w, input, 0), own, 1) : gather(w, own, 0)));
        break;
      case 'dwconv2d':
        // [kh, kw, C, m]: the input channels go; with m = 1 the outputs are the same channels.
        setSliced(n.name, (w, i) => (i === 0 ? gather(w, input, 2) : gather(w, own, 0)));
        break;
      case 'batchnorm':
        setSliced(n.name, (w) => gather(w, own, 0));
        break;
      default:
        break;
    }
    if ((n.op.kind === 'conv2d' || n.op.kind === 'dwconv2d' || n.op.kind === 'dense') && n.op.batchnorm)
      setSliced(`${n.name}_bn`, (w) => gather(w, own, 0));
  }
}
