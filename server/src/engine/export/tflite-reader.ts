import * as flatbuffers from 'flatbuffers';
import type { Padding as PaddingName } from '../arch/graph.js';
import {
  ActivationFunctionType,
  AddOptions,
  BuiltinOperator,
  BuiltinOptions,
  ConcatenationOptions,
  Conv2DOptions,
  DepthwiseConv2DOptions,
  FullyConnectedOptions,
  Model,
  MulOptions,
  Operator,
  Padding,
  Pool2DOptions,
  ReducerOptions,
  SoftmaxOptions,
  TensorType,
} from './generated/schema_generated.js';
import type { Quantization } from './quantize.js';
import {
  BUILTIN_NAMES,
  type BuiltinName,
  type FusedActivation,
  type OperatorOptions,
  type TfliteModel,
  type TfliteOperator,
  type TfliteTensor,
} from './tflite-model.js';

/** A `.tflite` file this reader cannot represent; the message says why. */
export class TfliteFormatError extends Error {
  override readonly name = 'TfliteFormatError';
}

/** flatbuffers' ByteBuffer reads past the end as undefined / 0; this one throws, so a truncated file is an error. */
class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  private check(offset: number, size: number): void {
    if (!(offset >= 0 && offset + size <= this.capacity()))
      throw new TfliteFormatError(
        `corrupt or truncated TFLite model: a read at byte ${offset} is past the end (${this.capacity()} bytes)`,
      );
  }
  override readInt8(o: number): number {
    this.check(o, 1);
    return super.readInt8(o);
  }
  override readUint8(o: number): number {
    this.check(o, 1);
    return super.readUint8(o);
  }
  override readInt16(o: number): number {
    this.check(o, 2);
    return super.readInt16(o);
  }
  override readUint16(o: number): number {
    this.check(o, 2);
    return super.readUint16(o);
  }
  override readInt32(o: number): number {
    this.check(o, 4);
    return super.readInt32(o);
  }
  override readUint32(o: number): number {
    this.check(o, 4);
    return super.readUint32(o);
  }
  override readInt64(o: number): bigint {
    this.check(o, 8);
    return super.readInt64(o);
  }
  override readUint64(o: number): bigint {
    this.check(o, 8);
    return super.readUint64(o);
  }
  override readFloat32(o: number): number {
    this.check(o, 4);
    return super.readFloat32(o);
  }
  override readFloat64(o: number): number {
    this.check(o, 8);
    return super.readFloat64(o);
  }
}

const CODE_NAMES = new Map<number, BuiltinName>(BUILTIN_NAMES.map((n) => [BuiltinOperator[n], n]));

/**
 * Parses a `.tflite` flatbuffer into a {@link TfliteModel}: the first subgraph, its int8 / int32
 * tensors (constant data copied out), and operators of the TFLite Micro builtins the exporter writes.
 * Anything else (float tensors, other operators, several subgraphs, external buffers) is a
 * {@link TfliteFormatError}, never a crash.
 */
export function readTflite(bytes: Uint8Array): TfliteModel {
  if (bytes.length < 8)
    throw new TfliteFormatError(`not a TFLite model: the file has only ${bytes.length} bytes`);
  // A private copy: views into a larger buffer could otherwise read past the file's end.
  const bb = new CheckedByteBuffer(
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice(),
  );
  if (!Model.bufferHasIdentifier(bb))
    throw new TfliteFormatError('not a TFLite model: the file identifier is not TFL3');
  let model: Model;
  try {
    model = Model.getRootAsModel(bb);
    return convert(model);
  } catch (e) {
    if (e instanceof TfliteFormatError) throw e;
    throw new TfliteFormatError(`corrupt TFLite model: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function convert(model: Model): TfliteModel {
  if (model.subgraphsLength() < 1) throw new TfliteFormatError('the model has no subgraph');
  if (model.subgraphsLength() > 1)
    throw new TfliteFormatError(
      `the model has ${model.subgraphsLength()} subgraphs; only single-subgraph models are supported`,
    );
  const sg = model.subgraphs(0)!;
  const codes: (BuiltinName | string)[] = [];
  for (let i = 0; i < model.operatorCodesLength(); i++) {
    const oc = model.operatorCodes(i)!;
    const code = Math.max(oc.builtinCode(), oc.deprecatedBuiltinCode());
    const custom = oc.customCode();
    codes.push(
      code === BuiltinOperator.CUSTOM
        ? `CUSTOM(${String(custom)})`
        : (CODE_NAMES.get(code) ?? BuiltinOperator[code] ?? `builtin ${code}`),
    );
  }

  const tensors: TfliteTensor[] = [];
  for (let i = 0; i < sg.tensorsLength(); i++) {
    const t = sg.tensors(i)!;
    const name = String(t.name() ?? `tensor_${i}`);
    const type = t.type();
    if (type !== TensorType.INT8 && type !== TensorType.INT32) {
      throw new TfliteFormatError(
        `tensor ${i} '${name}' is ${TensorType[type] ?? type}; only int8 models (int32 biases and shapes) are supported`,
      );
    }
    const shape = Array.from(t.shapeArray() ?? []);
    const buffer = model.buffers(t.buffer());
    let data: Int8Array | Int32Array | undefined;
    if (buffer && buffer.offset() > 1n)
      throw new TfliteFormatError(`tensor '${name}' keeps its data outside the flatbuffer; not supported`);
    const raw = buffer?.dataArray();
    if (raw && raw.length > 0) {
      const copy = raw.slice();
      data =
        type === TensorType.INT8
          ? new Int8Array(copy.buffer)
          : new Int32Array(copy.buffer, 0, copy.length >> 2);
    }
    const q = t.quantization();
    let quantization: Quantization | undefined;
    if (q && q.scaleLength() > 0) {
      const zp: number[] = [];
      for (let k = 0; k < q.zeroPointLength(); k++) zp.push(Number(q.zeroPoint(k)));
      quantization = { scale: Array.from(q.scaleArray() ?? []), zeroPoint: zp, axis: q.quantizedDimension() };
    }
    tensors.push({
      name,
      shape,
      type: type === TensorType.INT8 ? 'int8' : 'int32',
      ...(data ? { data } : {}),
      ...(quantization ? { quantization } : {}),
    });
  }

  const operators: TfliteOperator[] = [];
  for (let i = 0; i < sg.operatorsLength(); i++) {
    const o = sg.operators(i)!;
    const name = codes[o.opcodeIndex()];
    if (name === undefined)
      throw new TfliteFormatError(`operator ${i} has an invalid opcode index ${o.opcodeIndex()}`);
    if (!CODE_NAMES.has(BuiltinOperator[name as BuiltinName])) {
      throw new TfliteFormatError(`operator ${i} is ${name}; supported: ${BUILTIN_NAMES.join(', ')}`);
    }
    const op = name as BuiltinName;
    operators.push({
      op,
      inputs: Array.from(o.inputsArray() ?? []),
      outputs: Array.from(o.outputsArray() ?? []),
      options: readOptions(op, o),
    });
  }
  return {
    description: String(model.description() ?? ''),
    tensors,
    operators,
    inputs: Array.from(sg.inputsArray() ?? []),
    outputs: Array.from(sg.outputsArray() ?? []),
  };
}

const PADDING = (p: Padding): PaddingName => (p === Padding.SAME ? 'same' : 'valid');

function activation(a: ActivationFunctionType, where: string): FusedActivation {
  switch (a) {
    case ActivationFunctionType.NONE:
      return 'none';
    case ActivationFunctionType.RELU:
      return 'relu';
    case ActivationFunctionType.RELU6:
      return 'relu6';
    default:
      throw new TfliteFormatError(
        `${where}: fused activation ${ActivationFunctionType[a] ?? a} is not supported`,
      );
  }
}

function readOptions(op: BuiltinName, o: Operator): OperatorOptions {
  const type = o.builtinOptionsType();
  const expect = (t: BuiltinOptions): boolean => type === t;
  switch (op) {
    case 'CONV_2D': {
      const c = expect(BuiltinOptions.Conv2DOptions)
        ? (o.builtinOptions(new Conv2DOptions()) as Conv2DOptions)
        : null;
      if (!c) throw new TfliteFormatError('CONV_2D without Conv2DOptions');
      if (c.dilationHFactor() !== 1 || c.dilationWFactor() !== 1)
        throw new TfliteFormatError('dilated CONV_2D is not supported');
      return {
        kind: 'conv2d',
        padding: PADDING(c.padding()),
        stride: [c.strideH(), c.strideW()],
        activation: activation(c.fusedActivationFunction(), op),
      };
    }
    case 'DEPTHWISE_CONV_2D': {
      const c = expect(BuiltinOptions.DepthwiseConv2DOptions)
        ? (o.builtinOptions(new DepthwiseConv2DOptions()) as DepthwiseConv2DOptions)
        : null;
      if (!c) throw new TfliteFormatError('DEPTHWISE_CONV_2D without DepthwiseConv2DOptions');
      if (c.dilationHFactor() !== 1 || c.dilationWFactor() !== 1)
        throw new TfliteFormatError('dilated DEPTHWISE_CONV_2D is not supported');
      return {
        kind: 'dwconv2d',
        padding: PADDING(c.padding()),
        stride: [c.strideH(), c.strideW()],
        multiplier: c.depthMultiplier(),
        activation: activation(c.fusedActivationFunction(), op),
      };
    }
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D': {
      const c = expect(BuiltinOptions.Pool2DOptions)
        ? (o.builtinOptions(new Pool2DOptions()) as Pool2DOptions)
        : null;
      if (!c) throw new TfliteFormatError(`${op} without Pool2DOptions`);
      if (c.fusedActivationFunction() !== ActivationFunctionType.NONE)
        throw new TfliteFormatError(`${op} with a fused activation is not supported`);
      return {
        kind: 'pool',
        padding: PADDING(c.padding()),
        stride: [c.strideH(), c.strideW()],
        filter: [c.filterHeight(), c.filterWidth()],
      };
    }
    case 'FULLY_CONNECTED': {
      const c = expect(BuiltinOptions.FullyConnectedOptions)
        ? (o.builtinOptions(new FullyConnectedOptions()) as FullyConnectedOptions)
        : null;
      return { kind: 'dense', activation: c ? activation(c.fusedActivationFunction(), op) : 'none' };
    }
    case 'MEAN':
    case 'REDUCE_MAX': {
      const c = expect(BuiltinOptions.ReducerOptions)
        ? (o.builtinOptions(new ReducerOptions()) as ReducerOptions)
        : null;
      return { kind: 'reducer', keepDims: c?.keepDims() ?? false };
    }
    case 'RESHAPE':
      return { kind: 'reshape' };
    case 'ADD': {
      const c = expect(BuiltinOptions.AddOptions) ? (o.builtinOptions(new AddOptions()) as AddOptions) : null;
      return { kind: 'add', activation: c ? activation(c.fusedActivationFunction(), op) : 'none' };
    }
    case 'MUL': {
      const c = expect(BuiltinOptions.MulOptions) ? (o.builtinOptions(new MulOptions()) as MulOptions) : null;
      return { kind: 'mul', activation: c ? activation(c.fusedActivationFunction(), op) : 'none' };
    }
    case 'CONCATENATION': {
      const c = expect(BuiltinOptions.ConcatenationOptions)
        ? (o.builtinOptions(new ConcatenationOptions()) as ConcatenationOptions)
        : null;
      return {
        kind: 'concat',
        axis: c?.axis() ?? 0,
        activation: c ? activation(c.fusedActivationFunction(), op) : 'none',
      };
    }
    case 'SOFTMAX': {
      const c = expect(BuiltinOptions.SoftmaxOptions)
        ? (o.builtinOptions(new SoftmaxOptions()) as SoftmaxOptions)
        : null;
      return { kind: 'softmax', beta: c?.beta() ?? 1 };
    }
    case 'RELU':
    case 'RELU6':
      return { kind: 'none' };
  }
}
