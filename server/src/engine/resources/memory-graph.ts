import { type ArchGraph, elementCount } from '../arch/graph.js';
import type { Convention } from './conventions.js';

/**
 * The tensor graph the memory models work on: one tensor per operator that really runs, in
 * compact typed arrays so schedules can be searched without allocating. Nodes that run no
 * operator at inference alias the tensor they read: dropout always; flatten when the convention
 * says it is free, when its input is already a vector, or (tflm) when it only reshapes 1×1×C for
 * dense layers — the TFLite converter removes that RESHAPE (`RemoveReshapeBeforeFullyConnected`
 * fires when the last dimension is unchanged).
 */
export interface MemoryGraph {
  /** Number of tensors. Tensor 0 is the network input; indices follow node ids (topological). */
  readonly n: number;
  /** Graph node id of each tensor. */
  readonly node: readonly number[];
  /** Tensor of each graph node: its own, or the one it aliases. */
  readonly tensorOf: readonly number[];
  /** Bytes the tensor counts for in a working set (0 for an excluded network input). */
  readonly size: readonly number[];
  /** Bytes the tensor really holds. */
  readonly bytes: readonly number[];
  /** Distinct input tensors of tensor t: `inList[inStart[t] .. inStart[t + 1])`. */
  readonly inStart: readonly number[];
  readonly inList: readonly number[];
  /** Consumers of tensor t: `consList[consStart[t] .. consStart[t + 1])`. */
  readonly consStart: readonly number[];
  readonly consList: readonly number[];
  /** 1 where the operator may accumulate into an input it is the last reader of (μNAS add rule). */
  readonly inPlace: readonly number[];
  /** The network output's tensor; it stays live to the end. */
  readonly output: number;
}

/** Whether graph node `id` runs no operator at inference (and so owns no tensor). */
export function isAliasNode(graph: ArchGraph, id: number, flatten: Convention['flatten']): boolean {
  const node = graph.nodes[id]!;
  const kind = node.op.kind;
  if (kind === 'dropout') return true;
  if (kind !== 'flatten') return false;
  if (flatten === 'alias') return true;
  const inShape = graph.nodes[node.inputs[0]!]!.shape;
  if (inShape.length <= 1) return true;
  if (inShape[inShape.length - 1] !== elementCount(inShape)) return false;
  // The converter drops a reshape that keeps the last dimension only in front of FULLY_CONNECTED.
  for (const other of graph.nodes) {
    if (other.inputs.includes(id) && other.op.kind !== 'dense') return false;
  }
  return true;
}

export function buildMemoryGraph(graph: ArchGraph, conv: Convention): MemoryGraph {
  // Plain arrays: these graphs are small and built per estimate, where typed-array allocation costs more than it saves.
  const nodes = graph.nodes;
  const count = nodes.length;
  const tensorOf: number[] = new Array<number>(count);
  const node: number[] = [];
  for (let id = 0; id < count; id++) {
    if (id > 0 && isAliasNode(graph, id, conv.flatten)) {
      tensorOf[id] = tensorOf[nodes[id]!.inputs[0]!]!;
    } else {
      tensorOf[id] = node.length;
      node.push(id);
    }
  }
  const n = node.length;
  const size: number[] = new Array<number>(n);
  const bytes: number[] = new Array<number>(n);
  const inPlace: number[] = new Array<number>(n);
  const inStart: number[] = new Array<number>(n + 1);
  const consCount: number[] = new Array<number>(n).fill(0);
  const inList: number[] = [];
  for (let t = 0; t < n; t++) {
    const nd = nodes[node[t]!]!;
    const b = elementCount(nd.shape) * conv.activationBytes;
    bytes[t] = b;
    size[t] = t === 0 && !conv.includeInput ? 0 : b;
    inPlace[t] = conv.inPlaceAdd && nd.op.kind === 'add' ? 1 : 0;
    inStart[t] = inList.length;
    for (const i of nd.inputs) {
      const ti = tensorOf[i]!;
      let seen = false;
      for (let k = inStart[t]!; k < inList.length; k++) if (inList[k] === ti) seen = true;
      if (!seen) {
        inList.push(ti);
        consCount[ti]!++;
      }
    }
  }
  inStart[n] = inList.length;
  const consStart: number[] = new Array<number>(n + 1);
  consStart[0] = 0;
  for (let t = 0; t < n; t++) consStart[t + 1] = consStart[t]! + consCount[t]!;
  const fill = consStart.slice(0, n);
  const consList: number[] = new Array<number>(inList.length);
  for (let t = 0; t < n; t++) {
    for (let k = inStart[t]!; k < inStart[t + 1]!; k++) consList[fill[inList[k]!]!++] = t;
  }
  return {
    n,
    node,
    tensorOf,
    size,
    bytes,
    inStart,
    inList,
    consStart,
    consList,
    inPlace,
    output: tensorOf[graph.output]!,
  };
}
