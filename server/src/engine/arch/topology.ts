import type { ArchGraph, Op } from './graph.js';

/**
 * What a network is apart from its widths: its ops, kernels, strides, padding and pooling, and how
 * they connect; channel counts, dense units, fused activations and batch norm are left out. Two
 * members of a front with one key are near-twins (a width or activation morphism apart), so the
 * final phase may re-train only the best of them. An activation or batch norm that cannot be fused
 * is its own node and so part of the key, as is a 1×1 convolution that matches path widths.
 */
export function topologyKey(g: ArchGraph): string {
  return JSON.stringify(g.nodes.map((n) => [shapeFree(n.op), n.inputs]));
}

function shapeFree(op: Op): unknown {
  switch (op.kind) {
    case 'conv2d':
      return [op.kind, op.kernel, op.stride, op.padding];
    case 'dwconv2d':
      return [op.kind, op.kernel, op.stride, op.padding, op.multiplier];
    case 'dense':
      return [op.kind];
    case 'input':
      return [op.kind, op.shape];
    default:
      return op;
  }
}
