import * as tf from '@tensorflow/tfjs';
import type { ArchGraph } from '../../arch/graph.js';
import { survivingChannels } from './shrink-graph.js';

/**
 * Structured pruning made real, weight side: the smaller network (shrink-graph.ts) gets the masked
 * network's weights with the removed channels sliced out, so both compute the same function (a
 * removed channel was exactly zero: kernel, bias and batch-norm scale and shift all masked).
 */

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
