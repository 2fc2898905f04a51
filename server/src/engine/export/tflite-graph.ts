import { type ArchGraph, elementCount, type GraphNode, type Op } from '../arch/graph.js';
import { inferShape } from '../arch/shapes.js';
import { estimate, type Estimate, type EstimateOptions } from '../resources/estimate.js';
import { isAliasNode } from '../resources/memory-graph.js';
import type { TfliteModel, TfliteOperator } from './tflite-model.js';
import { TfliteFormatError } from './tflite-reader.js';
import { tflmProblems } from './tflm-ops.js';

/**
 * A TFLite Micro int8 model → the ArchGraph it implements, so `unas estimate model.tflite` applies
 * the same resource models as to a `.unas` model. The inverse of `quantizeGraph`: batch norm is
 * already folded (so every conv has `batchnorm: false`, which costs the same), a MUL by a constant
 * followed by an ADD of a constant is an unfused batch norm, and a FULLY_CONNECTED that reads a
 * feature map directly gets the flatten the converter removed in front of it, and a RESHAPE of a
 * 1×1×C map that the file keeps is followed by an identity (dropout) node so that the resource
 * model, which would treat a flatten read only by dense layers as free, counts it as the file does.
 *
 * Nodes follow the order of their output tensors in the file when that order is topological (the
 * exporter writes tensors in graph order, so its files give back the source graph's node order);
 * otherwise the operator order. `fileOrder` is the operator order of the file (TFLite Micro runs
 * operators in that order), as node ids — pass it as `estimate(..., { order })` to get its arena.
 */
export interface TfliteGraph {
  readonly graph: ArchGraph;
  readonly fileOrder: readonly number[];
}

interface Group {
  /** Operator indices (one, or MUL + ADD for a batch norm). */
  readonly ops: readonly number[];
  readonly op: Op;
  /** Activation tensors read. */
  readonly inputs: readonly number[];
  readonly output: number;
}

const isConst = (m: TfliteModel, t: number): boolean => m.tensors[t]?.data !== undefined;

export function graphFromTflite(m: TfliteModel): TfliteGraph {
  if (m.inputs.length !== 1)
    throw new TfliteFormatError(`the model has ${m.inputs.length} inputs; one is supported`);
  if (m.outputs.length !== 1)
    throw new TfliteFormatError(`the model has ${m.outputs.length} outputs; one is supported`);
  const problems = tflmProblems(m);
  if (problems.length) throw new TfliteFormatError(problems.join('; '));
  const readers = new Map<number, number[]>();
  m.operators.forEach((o, i) => {
    for (const t of o.inputs) if (t >= 0) readers.set(t, [...(readers.get(t) ?? []), i]);
  });
  const groups: Group[] = [];
  const consumed = new Set<number>();
  m.operators.forEach((o, i) => {
    if (consumed.has(i)) return;
    const acts = o.inputs.filter((t) => t >= 0 && !isConst(m, t));
    const out = o.outputs[0];
    if (out === undefined || o.outputs.length !== 1)
      throw new TfliteFormatError(`operator ${i} (${o.op}) must have one output`);
    // MUL(x, const) → ADD(·, const): an unfused batch norm.
    if (o.op === 'MUL' && acts.length === 1 && o.inputs.length === 2) {
      const next = readers.get(out) ?? [];
      const add = next.length === 1 ? m.operators[next[0]!] : undefined;
      if (
        add?.op === 'ADD' &&
        add.inputs.length === 2 &&
        add.inputs.filter((t) => isConst(m, t)).length === 1 &&
        out !== m.outputs[0]
      ) {
        consumed.add(next[0]!);
        groups.push({ ops: [i, next[0]!], op: { kind: 'batchnorm' }, inputs: acts, output: add.outputs[0]! });
        return;
      }
    }
    groups.push({ ops: [i], op: opOf(m, o, i), inputs: acts, output: out });
  });

  // Node order: by output tensor index when that is topological, else by operator order.
  const producer = new Map<number, number>();
  groups.forEach((g, k) => producer.set(g.output, k));
  const byTensor = groups.map((_, k) => k).sort((a, b) => groups[a]!.output - groups[b]!.output);
  const topological = (order: number[]): boolean => {
    const done = new Set<number>();
    for (const k of order) {
      for (const t of groups[k]!.inputs) {
        const p = producer.get(t);
        if (p !== undefined && !done.has(p)) return false;
      }
      done.add(k);
    }
    return true;
  };
  const fileGroupOrder = groups.map((_, k) => k);
  if (!topological(fileGroupOrder))
    throw new TfliteFormatError('an operator reads a tensor produced by a later operator');
  const endsAtOutput = (order: number[]): boolean =>
    groups[order[order.length - 1] ?? -1]?.output === m.outputs[0];
  const nodeGroupOrder = topological(byTensor) && endsAtOutput(byTensor) ? byTensor : fileGroupOrder;

  const input = m.inputs[0]!;
  const nodes: GraphNode[] = [];
  const nodeOfTensor = new Map<number, number>();
  const names = new Set<string>();
  const uniqueName = (base: string): string => {
    let name = base || `node_${nodes.length}`;
    for (let k = 2; names.has(name); k++) name = `${base}_${k}`;
    names.add(name);
    return name;
  };
  const shapeOf = (t: number): number[] => {
    const s = m.tensors[t]?.shape;
    if (!s || s.length < 2 || s[0] !== 1)
      throw new TfliteFormatError(
        `tensor ${t} '${m.tensors[t]?.name ?? '?'}' has shape [${s?.join(', ') ?? ''}]; batch 1 expected`,
      );
    return s.slice(1);
  };
  const addNode = (op: Op, inputs: number[], name: string, fileShape?: number[]): number => {
    const r = inferShape(
      op,
      inputs.map((i) => nodes[i]!.shape),
    );
    if (!r.ok) throw new TfliteFormatError(`${name}: ${r.error}`);
    if (fileShape && fileShape.join('x') !== r.shape.join('x'))
      throw new TfliteFormatError(
        `${name}: the file says ${fileShape.join('x')}, the operator gives ${r.shape.join('x')}`,
      );
    const id = nodes.length;
    nodes.push({ id, op, inputs, shape: r.shape, name: uniqueName(name) });
    return id;
  };
  nodes.push({
    id: 0,
    op: { kind: 'input', shape: shapeOf(input) },
    inputs: [],
    shape: shapeOf(input),
    name: uniqueName(m.tensors[input]!.name),
  });
  nodeOfTensor.set(input, 0);
  const nodeOfGroup = new Map<number, number>();
  const flattenBefore = new Map<number, number>();
  for (const k of nodeGroupOrder) {
    const g = groups[k]!;
    let ins = g.inputs.map((t) => {
      const n = nodeOfTensor.get(t);
      if (n === undefined)
        throw new TfliteFormatError(`tensor ${t} '${m.tensors[t]?.name ?? '?'}' is read but never written`);
      return n;
    });
    const name = m.tensors[g.output]!.name;
    if (g.op.kind === 'dense' && nodes[ins[0]!]!.shape.length > 1) {
      const f = addNode({ kind: 'flatten' }, [ins[0]!], `${name}/flatten`);
      ins = [f];
      flattenBefore.set(k, f);
    }
    const id = addNode(g.op, ins, name, shapeOf(g.output));
    nodeOfGroup.set(k, id);
    nodeOfTensor.set(g.output, id);
    const inShape = nodes[ins[0]!]!.shape;
    if (
      g.op.kind === 'flatten' &&
      inShape.length > 1 &&
      inShape[inShape.length - 1] === elementCount(inShape)
    ) {
      // The file copies 1×1×C into a vector. The resource model makes such a flatten free when
      // only dense layers read it (the converter drops that RESHAPE); this one was kept, so an
      // identity node keeps the estimate counting the copy the file really does.
      nodeOfTensor.set(g.output, addNode({ kind: 'dropout', rate: 0 }, [id], `${name}/kept`));
    }
  }
  const out = nodeOfTensor.get(m.outputs[0]!);
  if (out === undefined) throw new TfliteFormatError('the model output is not written by any operator');
  const graph: ArchGraph = { nodes, output: out };
  if (out !== nodes.length - 1)
    throw new TfliteFormatError('the model output must be the last tensor computed');
  const fileOrder: number[] = [];
  for (const k of fileGroupOrder) {
    const f = flattenBefore.get(k);
    if (f !== undefined && !isAliasNode(graph, f, 'copy')) fileOrder.push(f);
    fileOrder.push(nodeOfGroup.get(k)!);
  }
  return { graph, fileOrder };
}

function opOf(m: TfliteModel, o: TfliteOperator, i: number): Op {
  const where = `operator ${i} (${o.op})`;
  const weights = (): readonly number[] => {
    const w = m.tensors[o.inputs[1] ?? -1];
    if (!w?.data) throw new TfliteFormatError(`${where}: its weights are not a constant`);
    return w.shape;
  };
  const opt = o.options;
  switch (o.op) {
    case 'CONV_2D': {
      if (opt.kind !== 'conv2d') break;
      const [cout, kh, kw] = weights();
      return {
        kind: 'conv2d',
        filters: cout!,
        kernel: [kh!, kw!],
        stride: opt.stride,
        padding: opt.padding,
        activation: opt.activation,
        batchnorm: false,
      };
    }
    case 'DEPTHWISE_CONV_2D': {
      if (opt.kind !== 'dwconv2d') break;
      const [, kh, kw, c] = weights();
      const cin = m.tensors[o.inputs[0]!]!.shape[3] ?? 1;
      return {
        kind: 'dwconv2d',
        kernel: [kh!, kw!],
        stride: opt.stride,
        padding: opt.padding,
        multiplier: opt.multiplier || Math.max(1, c! / cin),
        activation: opt.activation,
        batchnorm: false,
      };
    }
    case 'FULLY_CONNECTED':
      if (opt.kind !== 'dense') break;
      return { kind: 'dense', units: weights()[0]!, activation: opt.activation, batchnorm: false };
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D':
      if (opt.kind !== 'pool') break;
      return {
        kind: 'pool',
        type: o.op === 'MAX_POOL_2D' ? 'max' : 'avg',
        size: opt.filter,
        stride: opt.stride,
        padding: opt.padding,
      };
    case 'MEAN':
    case 'REDUCE_MAX': {
      const axes = m.tensors[o.inputs[1] ?? -1]?.data;
      const inRank = m.tensors[o.inputs[0]!]?.shape.length;
      const keepDims = opt.kind === 'reducer' && opt.keepDims;
      if (!axes || inRank !== 4 || keepDims || [...axes].sort().join(',') !== '1,2')
        throw new TfliteFormatError(
          `${where}: only a reduction over height and width without keep_dims (global pooling) is supported`,
        );
      return { kind: 'global-pool', type: o.op === 'MEAN' ? 'avg' : 'max' };
    }
    case 'RESHAPE':
      return { kind: 'flatten' };
    case 'ADD':
      if (o.inputs.some((t) => isConst(m, t)))
        throw new TfliteFormatError(`${where}: adding a constant is only supported after a MUL (batch norm)`);
      if (opt.kind === 'add' && opt.activation !== 'none')
        throw new TfliteFormatError(`${where}: a fused activation on ADD is not supported`);
      return { kind: 'add' };
    case 'CONCATENATION': {
      const rank = m.tensors[o.outputs[0]!]?.shape.length ?? 0;
      if (opt.kind === 'concat' && opt.axis !== -1 && opt.axis !== rank - 1)
        throw new TfliteFormatError(`${where}: only channel concatenation is supported`);
      return { kind: 'concat' };
    }
    case 'SOFTMAX':
      return { kind: 'softmax' };
    case 'RELU':
      return { kind: 'activation', fn: 'relu' };
    case 'RELU6':
      return { kind: 'activation', fn: 'relu6' };
    case 'MUL':
      throw new TfliteFormatError(
        `${where}: MUL is only supported by a constant, followed by an ADD of a constant (batch norm)`,
      );
  }
  throw new TfliteFormatError(`${where}: unexpected options`);
}

/** Resource estimate of a `.tflite` model: the graph's, with the arena planned in the file's operator order. */
export function estimateTflite(
  m: TfliteModel,
  options: Omit<EstimateOptions, 'order'> = {},
): Estimate & { readonly graph: ArchGraph } {
  const { graph, fileOrder } = graphFromTflite(m);
  return { ...estimate(graph, { ...options, order: fileOrder }), graph };
}
