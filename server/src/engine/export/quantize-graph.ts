import { type ArchGraph, elementCount, type GraphNode } from '../arch/graph.js';
import { TFLM } from '../resources/conventions.js';
import { estimate } from '../resources/estimate.js';
import { isAliasNode } from '../resources/memory-graph.js';
import {
  activationParams,
  type AffineParams,
  batchNormAffine,
  type BatchNormParams,
  biasScales,
  foldBatchNorm,
  quantizeBias,
  quantizePerChannelFirst,
  quantizePerChannelLast,
  quantizePerTensor,
  type Quantization,
  quantizeValue,
} from './quantize.js';
import type {
  OperatorOptions,
  TfliteModel,
  TfliteOperator,
  TfliteTensor,
  BuiltinName,
} from './tflite-model.js';
import { tflmProblems } from './tflm-ops.js';

/**
 * ArchGraph + trained float parameters + calibrated activation ranges → an int8 TFLite model
 * (plain data; `writeTflite` serialises it). Pure: no tfjs, so the arithmetic is testable on
 * hand-made tensors.
 *
 * - Batch norm that follows a conv / depthwise / dense is folded into its weights and bias; ReLU /
 *   ReLU6 become the operator's fused activation (the calibrated output range already starts at 0).
 * - Tensors that TFLite requires to share quantisation (pooling, MEAN / REDUCE_MAX, RESHAPE and
 *   every input and the output of CONCATENATION) are tied: they get one range, the union of theirs.
 * - The input is int8 with scale 1/255 and zero point −128: the images the trainer normalises to
 *   [0, 1] (pixel / 255) become `pixel − 128` exactly. The softmax output has TFLite's fixed
 *   scale 1/256 and zero point −128.
 * - Operators are written in the RAM-optimal order of the `tflm` resource model, so TFLite Micro
 *   (which runs operators in file order) reaches the estimated peak; activation tensors are in
 *   graph order, the order the arena estimate assumes.
 */

/** A conv / depthwise / dense layer's float parameters in Keras layout, or an unfused batch norm's. */
export interface LayerParams {
  /** conv `[kh, kw, cin, cout]`, depthwise `[kh, kw, cin, multiplier]`, dense `[in, out]`. */
  readonly kernel?: Float32Array;
  readonly bias?: Float32Array;
  readonly batchnorm?: BatchNormParams;
}

export interface ActivationRange {
  readonly min: number;
  readonly max: number;
}

export interface Calibration {
  /** Float range of each node's output (after its fused batch norm and activation). */
  readonly ranges: ReadonlyMap<number, ActivationRange>;
  /** For unfused batch norm nodes: the range of `x · multiplier` (the MUL before the ADD). */
  readonly innerRanges?: ReadonlyMap<number, ActivationRange>;
}

export interface QuantizeOptions {
  /** Operator order (node ids); default the RAM-optimal order of `estimate(graph, { convention: 'tflm' })`. */
  readonly order?: readonly number[];
  readonly description?: string;
}

/** What the exported model expects as input: `int8 = round(x / scale) + zeroPoint`, x in [0, 1]. */
export const INPUT_PARAMS: AffineParams = { scale: Math.fround(1 / 255), zeroPoint: -128 };
/** TFLite's mandated int8 softmax output quantisation. */
export const SOFTMAX_PARAMS: AffineParams = { scale: 1 / 256, zeroPoint: -128 };

export class QuantizeError extends Error {
  override readonly name = 'QuantizeError';
}

const perTensor = (p: AffineParams): Quantization => ({
  scale: [p.scale],
  zeroPoint: [p.zeroPoint],
  axis: 0,
});

export function quantizeGraph(
  graph: ArchGraph,
  params: ReadonlyMap<number, LayerParams>,
  calibration: Calibration,
  options: QuantizeOptions = {},
): TfliteModel {
  const nodes = graph.nodes;
  const activation = activationQuantization(graph, calibration);
  const tensors: TfliteTensor[] = [];
  const tensorOf: number[] = new Array<number>(nodes.length).fill(-1);
  const opsOf: TfliteOperator[][] = nodes.map(() => []);
  const push = (t: TfliteTensor): number => tensors.push(t) - 1;
  const outShape = (n: GraphNode): number[] => [1, ...n.shape];
  const output = (
    n: GraphNode,
    name = n.name,
    shape = outShape(n),
    q: Quantization = perTensor(activation[n.id]!),
  ): number => push({ name, shape, type: 'int8', quantization: q });

  for (const node of nodes) {
    const op = node.op;
    if (node.id === 0) {
      tensorOf[0] = output(node);
      continue;
    }
    if (isAliasNode(graph, node.id, 'copy')) {
      tensorOf[node.id] = tensorOf[node.inputs[0]!]!;
      continue;
    }
    const ins = node.inputs.map((i) => tensorOf[i]!);
    const x = ins[0]!;
    const inParams = (): AffineParams => ({
      scale: tensors[x]!.quantization!.scale[0]!,
      zeroPoint: tensors[x]!.quantization!.zeroPoint[0]!,
    });
    const emit = (code: BuiltinName, inputs: number[], out: number, o: OperatorOptions): void => {
      opsOf[node.id]!.push({ op: code, inputs, outputs: [out], options: o });
    };
    switch (op.kind) {
      case 'conv2d':
      case 'dwconv2d':
      case 'dense': {
        const p = params.get(node.id);
        if (!p?.kernel || !p.bias) throw new QuantizeError(`no trained weights for ${node.name}`);
        const inShape = nodes[node.inputs[0]!]!.shape;
        const channels = node.shape[node.shape.length - 1]!;
        let kernel: ArrayLike<number> = p.kernel;
        let bias: ArrayLike<number> = p.bias;
        if (p.kernel.length % channels !== 0 || p.bias.length !== channels)
          throw new QuantizeError(`${node.name}: weights do not match ${channels} output channels`);
        if (op.batchnorm) {
          if (!p.batchnorm) throw new QuantizeError(`no batch norm statistics for ${node.name}`);
          ({ weights: kernel, bias } = foldBatchNorm(kernel, bias, p.batchnorm, (i) => i % channels));
        }
        const inScale = inParams().scale;
        let weights: TfliteTensor;
        let weightScales: readonly number[];
        let options: OperatorOptions;
        let code: BuiltinName;
        if (op.kind === 'conv2d') {
          const [kh, kw] = op.kernel;
          const cin = inShape[2]!;
          const q = quantizePerChannelFirst(transposeLastToFirst(kernel, channels), channels);
          weightScales = q.scales;
          weights = {
            name: `${node.name}/weights`,
            shape: [channels, kh, kw, cin],
            type: 'int8',
            data: q.data,
            quantization: { scale: q.scales, zeroPoint: q.scales.map(() => 0), axis: 0 },
          };
          options = { kind: 'conv2d', padding: op.padding, stride: op.stride, activation: op.activation };
          code = 'CONV_2D';
        } else if (op.kind === 'dwconv2d') {
          const [kh, kw] = op.kernel;
          // Keras [kh, kw, cin, m] and TFLite [1, kh, kw, cin·m] share one memory order.
          const q = quantizePerChannelLast(kernel, channels);
          weightScales = q.scales;
          weights = {
            name: `${node.name}/weights`,
            shape: [1, kh, kw, channels],
            type: 'int8',
            data: q.data,
            quantization: { scale: q.scales, zeroPoint: q.scales.map(() => 0), axis: 3 },
          };
          options = {
            kind: 'dwconv2d',
            padding: op.padding,
            stride: op.stride,
            multiplier: op.multiplier,
            activation: op.activation,
          };
          code = 'DEPTHWISE_CONV_2D';
        } else {
          const q = quantizePerTensor(transposeLastToFirst(kernel, channels));
          weightScales = q.scales;
          weights = {
            name: `${node.name}/weights`,
            shape: [channels, elementCount(inShape)],
            type: 'int8',
            data: q.data,
            quantization: { scale: q.scales, zeroPoint: [0], axis: 0 },
          };
          options = { kind: 'dense', activation: op.activation };
          code = 'FULLY_CONNECTED';
        }
        const bScales = biasScales(inScale, weightScales);
        const w = push(weights);
        const b = push({
          name: `${node.name}/bias`,
          shape: [channels],
          type: 'int32',
          data: quantizeBias(bias, bScales),
          quantization: { scale: bScales, zeroPoint: bScales.map(() => 0), axis: 0 },
        });
        const out = output(node);
        emit(code, [x, w, b], out, options);
        tensorOf[node.id] = out;
        break;
      }
      case 'pool': {
        const out = output(node);
        emit(op.type === 'max' ? 'MAX_POOL_2D' : 'AVERAGE_POOL_2D', [x], out, {
          kind: 'pool',
          padding: op.padding,
          stride: op.stride,
          filter: op.size,
        });
        tensorOf[node.id] = out;
        break;
      }
      case 'global-pool': {
        const axes = push({
          name: `${node.name}/axes`,
          shape: [2],
          type: 'int32',
          data: Int32Array.from([1, 2]),
        });
        const out = output(node);
        emit(op.type === 'max' ? 'REDUCE_MAX' : 'MEAN', [x, axes], out, { kind: 'reducer', keepDims: false });
        tensorOf[node.id] = out;
        break;
      }
      case 'flatten': {
        const shape = push({
          name: `${node.name}/shape`,
          shape: [2],
          type: 'int32',
          data: Int32Array.from([1, elementCount(node.shape)]),
        });
        const out = output(node);
        emit('RESHAPE', [x, shape], out, { kind: 'reshape' });
        tensorOf[node.id] = out;
        break;
      }
      case 'add':
      case 'concat': {
        const out = output(node);
        emit(
          op.kind === 'add' ? 'ADD' : 'CONCATENATION',
          ins,
          out,
          op.kind === 'add'
            ? { kind: 'add', activation: 'none' }
            : { kind: 'concat', axis: node.shape.length, activation: 'none' },
        );
        tensorOf[node.id] = out;
        break;
      }
      case 'softmax': {
        const out = output(node);
        emit('SOFTMAX', [x], out, { kind: 'softmax', beta: 1 });
        tensorOf[node.id] = out;
        break;
      }
      case 'activation': {
        const out = output(node);
        emit(op.fn === 'relu' ? 'RELU' : 'RELU6', [x], out, { kind: 'none' });
        tensorOf[node.id] = out;
        break;
      }
      case 'batchnorm': {
        const bn = params.get(node.id)?.batchnorm;
        if (!bn) throw new QuantizeError(`no batch norm statistics for ${node.name}`);
        const inner = calibration.innerRanges?.get(node.id);
        if (!inner) throw new QuantizeError(`no calibration range for the multiply of ${node.name}`);
        const { multiplier, offset } = batchNormAffine(bn);
        const mulT = push(constantInt8(`${node.name}/multiplier`, multiplier));
        const mid = output(
          node,
          `${node.name}/mul`,
          outShape(node),
          perTensor(activationParams(inner.min, inner.max)),
        );
        const addT = push(constantInt8(`${node.name}/offset`, offset));
        const out = output(node);
        emit('MUL', [x, mulT], mid, { kind: 'mul', activation: 'none' });
        emit('ADD', [mid, addT], out, { kind: 'add', activation: 'none' });
        tensorOf[node.id] = out;
        break;
      }
      case 'input':
      case 'dropout':
        throw new QuantizeError(`${node.name}: unexpected ${op.kind}`);
    }
  }

  const order = options.order ?? estimate(graph, { convention: TFLM }).order;
  const operators: TfliteOperator[] = [];
  const seen = new Set<number>();
  for (const id of order) {
    if (seen.has(id) || !opsOf[id]?.length)
      throw new QuantizeError(`order: node ${id} runs no operator or appears twice`);
    seen.add(id);
    operators.push(...opsOf[id]!);
  }
  const missing = nodes.filter((n) => opsOf[n.id]!.length && !seen.has(n.id));
  if (missing.length) throw new QuantizeError(`order misses ${missing.map((n) => n.name).join(', ')}`);
  const model: TfliteModel = {
    description: options.description ?? 'unas export',
    tensors,
    operators,
    inputs: [tensorOf[0]!],
    outputs: [tensorOf[graph.output]!],
  };
  // Nothing leaves the exporter that TFLite Micro's kernels would misread (tflm-ops.ts).
  const problems = tflmProblems(model);
  if (problems.length)
    throw new QuantizeError(
      `TensorFlow Lite Micro cannot run this model as exported: ${problems.join('; ')}`,
    );
  return model;
}

/** A per-channel float vector as an int8 constant with asymmetric per-tensor parameters. */
function constantInt8(name: string, values: ArrayLike<number>): TfliteTensor {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  const p = activationParams(lo, hi);
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = quantizeValue(values[i]!, p);
  return { name, shape: [values.length], type: 'int8', data, quantization: perTensor(p) };
}

/** `[…, C]` (channel last, Keras) → `[C, …]` (channel first, TFLite OHWI / FC weights). */
export function transposeLastToFirst(values: ArrayLike<number>, channels: number): Float64Array {
  const per = values.length / channels;
  const out = new Float64Array(values.length);
  for (let i = 0; i < per; i++)
    for (let c = 0; c < channels; c++) out[c * per + i] = values[i * channels + c]!;
  return out;
}

/**
 * Quantisation of every node's output: tied groups (see the file comment) share the union of
 * their calibrated ranges; the input and softmax outputs have fixed parameters.
 */
export function activationQuantization(graph: ArchGraph, calibration: Calibration): AffineParams[] {
  const n = graph.nodes.length;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const tie = (a: number, b: number): void => {
    parent[find(a)] = find(b);
  };
  for (const node of graph.nodes) {
    const k = node.op.kind;
    if (k === 'pool' || k === 'global-pool' || k === 'flatten' || k === 'dropout')
      tie(node.id, node.inputs[0]!);
    if (k === 'concat') for (const i of node.inputs) tie(node.id, i);
  }
  const fixed = new Map<number, AffineParams>();
  const range = new Map<number, { min: number; max: number }>();
  for (const node of graph.nodes) {
    const root = find(node.id);
    const f = node.id === 0 ? INPUT_PARAMS : node.op.kind === 'softmax' ? SOFTMAX_PARAMS : undefined;
    if (f) {
      const prev = fixed.get(root);
      if (prev && (prev.scale !== f.scale || prev.zeroPoint !== f.zeroPoint))
        throw new QuantizeError(
          `${node.name} must share quantisation with a tensor whose parameters are fixed differently`,
        );
      fixed.set(root, f);
    }
    const r = calibration.ranges.get(node.id);
    if (r) {
      const g = range.get(root);
      range.set(
        root,
        g ? { min: Math.min(g.min, r.min), max: Math.max(g.max, r.max) } : { min: r.min, max: r.max },
      );
    }
  }
  return graph.nodes.map((node) => {
    const root = find(node.id);
    const f = fixed.get(root);
    if (f) return f;
    const r = range.get(root);
    if (!r) throw new QuantizeError(`no calibration range for ${node.name}`);
    return activationParams(r.min, r.max);
  });
}
