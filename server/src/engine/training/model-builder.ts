import * as tf from '@tensorflow/tfjs';
import type { ArchGraph, GraphNode } from '../arch/graph.js';

export interface BuildOptions {
  /** L2 weight decay on conv and dense kernels (0 = none). */
  readonly weightDecay?: number;
  /** Seed of the initialisers, so a candidate trains the same way twice. */
  readonly seed?: number;
}

/**
 * ArchGraph → tf.LayersModel, layer for layer. Shapes are not recomputed here: Keras derives them
 * with the same rules as `arch/shapes.ts` (valid = floor, same = ceil), and a test compares every
 * node's shape with the built layer's output shape. Fused batch norm / activations become real
 * layers for training (the exporter folds them again).
 */
export function buildModel(graph: ArchGraph, options: BuildOptions = {}): tf.LayersModel {
  const reg = options.weightDecay ? tf.regularizers.l2({ l2: options.weightDecay }) : undefined;
  let seed = options.seed ?? 0;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const outputs: tf.SymbolicTensor[] = [];
  let input: tf.SymbolicTensor | undefined;

  for (const node of graph.nodes) {
    const ins = node.inputs.map((i) => outputs[i]!);
    const x = ins[0]!;
    const name = node.name;
    let y: tf.SymbolicTensor;
    const op = node.op;
    switch (op.kind) {
      case 'input':
        input = tf.input({ shape: [...op.shape], name });
        y = input;
        break;
      case 'conv2d':
        y = apply(
          tf.layers.conv2d({
            name,
            filters: op.filters,
            kernelSize: [...op.kernel],
            strides: [...op.stride],
            padding: op.padding,
            kernelInitializer: init(),
            ...(reg ? { kernelRegularizer: reg } : {}),
          }),
          x,
        );
        y = post(y, node, op.batchnorm, op.activation);
        break;
      case 'dwconv2d':
        y = apply(
          tf.layers.depthwiseConv2d({
            name,
            kernelSize: [...op.kernel],
            strides: [...op.stride],
            padding: op.padding,
            depthMultiplier: op.multiplier,
            depthwiseInitializer: init(),
            ...(reg ? { depthwiseRegularizer: reg } : {}),
          }),
          x,
        );
        y = post(y, node, op.batchnorm, op.activation);
        break;
      case 'pool': {
        const args = {
          name,
          poolSize: [...op.size] as [number, number],
          strides: [...op.stride] as [number, number],
          padding: op.padding,
        };
        y = apply(op.type === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args), x);
        break;
      }
      case 'global-pool':
        y = apply(
          op.type === 'avg'
            ? tf.layers.globalAveragePooling2d({ name })
            : tf.layers.globalMaxPooling2d({ name }),
          x,
        );
        break;
      case 'flatten':
        y = apply(tf.layers.flatten({ name }), x);
        break;
      case 'dense':
        y = apply(
          tf.layers.dense({
            name,
            units: op.units,
            kernelInitializer: init(),
            ...(reg ? { kernelRegularizer: reg } : {}),
          }),
          x,
        );
        y = post(y, node, op.batchnorm, op.activation);
        break;
      case 'add':
        y = apply(tf.layers.add({ name }), ins);
        break;
      case 'concat':
        y = apply(tf.layers.concatenate({ name, axis: -1 }), ins);
        break;
      case 'dropout':
        y = apply(tf.layers.dropout({ name, rate: op.rate, seed: seed++ }), x);
        break;
      case 'softmax':
        y = apply(tf.layers.softmax({ name }), x);
        break;
      case 'batchnorm':
        y = apply(tf.layers.batchNormalization({ name }), x);
        break;
      case 'activation':
        y = apply(op.fn === 'relu' ? tf.layers.reLU({ name }) : tf.layers.reLU({ name, maxValue: 6 }), x);
        break;
    }
    outputs.push(y);
  }
  if (!input) throw new Error('graph has no input node');
  return tf.model({ inputs: input, outputs: outputs[graph.output]! });
}

function apply(layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}

/** Batch norm, then the activation: the order in which the exporter folds them back. */
function post(
  y: tf.SymbolicTensor,
  node: GraphNode,
  batchnorm: boolean,
  activation: 'none' | 'relu' | 'relu6',
): tf.SymbolicTensor {
  let out = y;
  if (batchnorm) out = apply(tf.layers.batchNormalization({ name: `${node.name}_bn` }), out);
  if (activation === 'relu') out = apply(tf.layers.reLU({ name: `${node.name}_relu` }), out);
  if (activation === 'relu6') out = apply(tf.layers.reLU({ name: `${node.name}_relu6`, maxValue: 6 }), out);
  return out;
}

/** The output shape (batch excluded) of the Keras layer that produces each graph node. */
export function layerShapes(model: tf.LayersModel, graph: ArchGraph): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const node of graph.nodes) {
    const candidates = [`${node.name}_relu6`, `${node.name}_relu`, `${node.name}_bn`, node.name];
    const layer = candidates
      .map((n) => {
        try {
          return model.getLayer(n);
        } catch {
          return undefined;
        }
      })
      .find(Boolean);
    const shape = layer?.outputShape as (number | null)[] | undefined;
    if (shape) out.set(node.id, shape.slice(1) as number[]);
  }
  return out;
}
