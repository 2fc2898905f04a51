import { type ArchGraph, elementCount, type GraphNode } from '../arch/graph.js';
import type { CoreModel } from './cores.js';

/**
 * Cycles of one operator on a core: MACs × cycles-per-MAC of its kernel kind (or elements ×
 * cycles-per-element for data movement) + the per-operator overhead. `runs` is false for nodes
 * that run no operator (the input, dropout, a free flatten). μNAS used latency = MACs; this keeps
 * its linearity per kernel kind but weighs kinds differently (depthwise and dense kernels reach
 * far fewer MACs per cycle than a spatial conv's GEMM).
 */
export function nodeCycles(
  graph: ArchGraph,
  node: GraphNode,
  macs: number,
  core: CoreModel,
  runs: boolean,
): number {
  if (!runs) return 0;
  const op = node.op;
  const c = core.cyclesPerMac;
  const e = core.cyclesPerElement;
  const out = elementCount(node.shape);
  let work: number;
  switch (op.kind) {
    case 'conv2d':
      work = macs * (op.kernel[0] === 1 && op.kernel[1] === 1 ? c.pointwise : c.conv);
      break;
    case 'dwconv2d':
      work = macs * c.depthwise;
      break;
    case 'dense':
      work = macs * c.dense;
      break;
    case 'pool':
    case 'global-pool':
      work = macs * e.pool;
      break;
    case 'add':
      work = macs * e.add;
      break;
    case 'softmax':
      work = out * e.softmax;
      break;
    case 'batchnorm':
    case 'activation':
      work = out * e.elementwise;
      break;
    case 'flatten':
    case 'concat':
      work = out * e.copy;
      break;
    default:
      work = 0;
  }
  return Math.round(work + core.opOverhead);
}

export function cyclesToMs(cycles: number, clockHz: number): number {
  return (cycles / clockHz) * 1000;
}
