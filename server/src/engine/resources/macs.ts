import { type ArchGraph, elementCount } from '../arch/graph.js';

/**
 * Multiply-accumulates of one node, as μNAS counts them (batch 1):
 *   conv Ho·Wo·Cout·Kh·Kw·Cin; depthwise Ho·Wo·C·m·Kh·Kw; pool Ho·Wo·C·Ph·Pw; global pool H·W·C;
 *   dense In·Out; add (terms − 1)·prod(out). Fused batch norm / activation / bias: 0.
 * An unfused batch norm is one multiply-add per element; softmax, activations, concat, reshape,
 * dropout and the input are 0 (they move or map data, they do not accumulate).
 */
export function nodeMacs(graph: ArchGraph, id: number): number {
  const node = graph.nodes[id]!;
  const op = node.op;
  const out = node.shape;
  const inShape = node.inputs.length > 0 ? graph.nodes[node.inputs[0]!]!.shape : out;
  switch (op.kind) {
    case 'conv2d':
      return out[0]! * out[1]! * out[2]! * op.kernel[0] * op.kernel[1] * inShape[2]!;
    case 'dwconv2d':
      return out[0]! * out[1]! * out[2]! * op.kernel[0] * op.kernel[1];
    case 'pool':
      return out[0]! * out[1]! * out[2]! * op.size[0] * op.size[1];
    case 'global-pool':
      return elementCount(inShape);
    case 'dense':
      return elementCount(inShape) * op.units;
    case 'add':
      return (node.inputs.length - 1) * elementCount(out);
    case 'batchnorm':
      return elementCount(out);
    default:
      return 0;
  }
}
