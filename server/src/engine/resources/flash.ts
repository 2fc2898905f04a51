import { type ArchGraph, elementCount, type GraphNode, type OpKind } from '../arch/graph.js';
import type { Convention } from './conventions.js';
import { isAliasNode } from './memory-graph.js';

/**
 * Model size. `unas`: every weight and bias element at 1 B, nothing else (μNAS `model_size`).
 * `tflm`: what the int8 .tflite flatbuffer holds — int8 weights, int32 biases, each constant
 * buffer rounded up to 16 B, quantisation parameters (scale f32 + zero point i64) per output
 * channel for conv / depthwise weights and their biases, per tensor for dense and activations,
 * and the flatbuffer's own tables per tensor, operator, operator code and model.
 */

export interface LayerFlash {
  /** Weight + bias elements. */
  readonly params: number;
  readonly bytes: number;
}

/** Weight and bias element counts of a node (unfused batch norm: a scale and an offset per channel). */
export function nodeParams(
  graph: ArchGraph,
  node: GraphNode,
): { weights: number; biases: number; channels: number } {
  const op = node.op;
  const inShape = node.inputs.length > 0 ? graph.nodes[node.inputs[0]!]!.shape : node.shape;
  switch (op.kind) {
    case 'conv2d':
      return {
        weights: op.kernel[0] * op.kernel[1] * inShape[2]! * op.filters,
        biases: op.filters,
        channels: op.filters,
      };
    case 'dwconv2d': {
      const c = inShape[2]! * op.multiplier;
      return { weights: op.kernel[0] * op.kernel[1] * c, biases: c, channels: c };
    }
    case 'dense':
      return { weights: elementCount(inShape) * op.units, biases: op.units, channels: op.units };
    case 'batchnorm': {
      const c = node.shape[node.shape.length - 1]!;
      return { weights: 2 * c, biases: 0, channels: c };
    }
    default:
      return { weights: 0, biases: 0, channels: 0 };
  }
}

const alignUp = (n: number, a: number): number => (a > 1 ? Math.ceil(n / a) * a : n);

const CODES = {
  conv2d: ['CONV_2D'],
  dwconv2d: ['DEPTHWISE_CONV_2D'],
  dense: ['FULLY_CONNECTED'],
  maxpool: ['MAX_POOL_2D'],
  avgpool: ['AVERAGE_POOL_2D'],
  reduceMax: ['REDUCE_MAX'],
  mean: ['MEAN'],
  flatten: ['RESHAPE'],
  add: ['ADD'],
  concat: ['CONCATENATION'],
  softmax: ['SOFTMAX'],
  batchnorm: ['MUL', 'ADD'],
  relu: ['RELU'],
  relu6: ['RELU6'],
  none: [],
} as const satisfies Record<string, readonly string[]>;

/** The TFLite builtin operators a node becomes (none for an alias); drives per-operator costs. */
export function tfliteOperators(graph: ArchGraph, node: GraphNode, conv: Convention): readonly string[] {
  const op = node.op;
  if (node.id === 0 || isAliasNode(graph, node.id, conv.flatten)) return CODES.none;
  switch (op.kind) {
    case 'conv2d':
      return CODES.conv2d;
    case 'dwconv2d':
      return CODES.dwconv2d;
    case 'dense':
      return CODES.dense;
    case 'pool':
      return op.type === 'max' ? CODES.maxpool : CODES.avgpool;
    case 'global-pool':
      return op.type === 'max' ? CODES.reduceMax : CODES.mean;
    case 'flatten':
      return CODES.flatten;
    case 'add':
      return CODES.add;
    case 'concat':
      return CODES.concat;
    case 'softmax':
      return CODES.softmax;
    case 'batchnorm':
      return CODES.batchnorm;
    case 'activation':
      return op.fn === 'relu' ? CODES.relu : CODES.relu6;
    default:
      return CODES.none;
  }
}

/** Flash of one node under `conv`; model-wide costs are in {@link modelFlashOverhead}. */
export function nodeFlash(graph: ArchGraph, node: GraphNode, conv: Convention): LayerFlash {
  const { weights, biases, channels } = nodeParams(graph, node);
  const operators = conv.flatbuffer ? tfliteOperators(graph, node, conv).length : 0;
  return {
    params: weights + biases,
    bytes: operatorFlash(node.op.kind, operators, weights, biases, channels, conv),
  };
}

/**
 * Flash of a node of `kind` that becomes `operators` TFLite operators (tflm; 0 = runs nothing)
 * with these weight / bias element counts and output channels.
 */
export function operatorFlash(
  kind: OpKind,
  operators: number,
  weights: number,
  biases: number,
  channels: number,
  conv: Convention,
): number {
  const fb = conv.flatbuffer;
  if (!fb) return weights * conv.weightBytes + biases * conv.biasBytes;
  if (operators === 0) return 0;
  const q = conv.quantization;
  const qValue = q ? q.scaleBytes + q.zeroPointBytes : 0;
  const qTensor = (values: number): number => (q ? fb.perQuantization + values * qValue : 0);
  // Every operator writes one quantised activation tensor.
  let bytes = operators * (fb.perOperator + fb.perTensor + qTensor(1));
  if (kind === 'conv2d' || kind === 'dwconv2d' || kind === 'dense') {
    const scales = kind === 'dense' ? 1 : channels;
    bytes += fb.perTensor + alignUp(weights * conv.weightBytes, fb.bufferAlignment) + qTensor(scales);
    bytes += fb.perTensor + alignUp(biases * conv.biasBytes, fb.bufferAlignment) + qTensor(scales);
  } else if (kind === 'batchnorm') {
    // MUL and ADD, each with a per-channel int8 constant.
    bytes += 2 * (fb.perTensor + alignUp(channels * conv.weightBytes, fb.bufferAlignment) + qTensor(1));
  } else if (kind === 'flatten' || kind === 'global-pool') {
    // RESHAPE's new-shape / MEAN's axes: a small int32 constant, not quantised.
    bytes += fb.perTensor + alignUp(8, fb.bufferAlignment);
  }
  return bytes;
}

/** Model-wide flash: root tables, the input tensor, one OperatorCode per distinct builtin. */
export function modelFlashOverhead(graph: ArchGraph, conv: Convention): number {
  const fb = conv.flatbuffer;
  if (!fb) return 0;
  const codes = new Set<string>();
  for (const node of graph.nodes) for (const c of tfliteOperators(graph, node, conv)) codes.add(c);
  return modelOverheadBytes(conv, codes.size);
}

/** Root tables, the input tensor and `operatorCodes` OperatorCode entries. */
export function modelOverheadBytes(conv: Convention, operatorCodes: number): number {
  const fb = conv.flatbuffer;
  if (!fb) return 0;
  const q = conv.quantization;
  return (
    fb.perModel +
    fb.perTensor +
    (q ? fb.perQuantization + q.scaleBytes + q.zeroPointBytes : 0) +
    operatorCodes * fb.perOperatorCode
  );
}
