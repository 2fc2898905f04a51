import * as flatbuffers from 'flatbuffers';
import type { Padding as PaddingName } from '../arch/graph.js';
import {
  ActivationFunctionType,
  AddOptions,
  Buffer as FbBuffer,
  BuiltinOperator,
  BuiltinOptions,
  ConcatenationOptions,
  Conv2DOptions,
  DepthwiseConv2DOptions,
  FullyConnectedOptions,
  Model,
  MulOptions,
  Operator,
  OperatorCode,
  Padding,
  Pool2DOptions,
  QuantizationParameters,
  ReducerOptions,
  ReshapeOptions,
  SoftmaxOptions,
  SubGraph,
  Tensor,
  TensorType,
} from './generated/schema_generated.js';
import {
  type BuiltinName,
  type FusedActivation,
  OPERATOR_VERSION,
  type OperatorOptions,
  type TfliteModel,
  type TfliteTensor,
} from './tflite-model.js';

/** The schema version TFLite expects in `Model.version`. */
export const TFLITE_SCHEMA_VERSION = 3;
/** `Buffer.data` is `force_align: 16` in schema.fbs (flatc 2.0.8's TS output ignores it: done here). */
export const BUFFER_ALIGNMENT = 16;
/** `deprecated_builtin_code` holds codes below this; larger codes live only in `builtin_code`. */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/**
 * Serialises a {@link TfliteModel} as a `.tflite` flatbuffer (identifier `TFL3`): one subgraph,
 * buffer 0 empty and shared by every activation tensor, one buffer per constant (16-byte aligned),
 * one OperatorCode per distinct builtin in order of first use, operators in the model's order.
 */
export function writeTflite(model: TfliteModel): Uint8Array {
  const constBytes = model.tensors.reduce(
    (s, t) => s + (t.data ? t.data.byteLength + BUFFER_ALIGNMENT : 0),
    0,
  );
  const b = new flatbuffers.Builder(4096 + constBytes + 256 * model.tensors.length);

  // Buffers: 0 is the empty sentinel; then one per constant, in tensor order.
  const bufferOf: number[] = [];
  const bufferOffsets: flatbuffers.Offset[] = [emptyBuffer(b)];
  for (const t of model.tensors) {
    if (!t.data) {
      bufferOf.push(0);
      continue;
    }
    bufferOf.push(bufferOffsets.length);
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    b.prep(BUFFER_ALIGNMENT, bytes.length);
    const data = b.createByteVector(bytes);
    FbBuffer.startBuffer(b);
    FbBuffer.addData(b, data);
    bufferOffsets.push(FbBuffer.endBuffer(b));
  }

  const tensors = model.tensors.map((t, i) => tensorTable(b, t, bufferOf[i]!));

  const codes: BuiltinName[] = [];
  for (const op of model.operators) if (!codes.includes(op.op)) codes.push(op.op);
  const operators = model.operators.map((op) => {
    const inputs = Operator.createInputsVector(b, [...op.inputs]);
    const outputs = Operator.createOutputsVector(b, [...op.outputs]);
    const [optionsType, options] = optionsTable(b, op.options);
    Operator.startOperator(b);
    Operator.addOpcodeIndex(b, codes.indexOf(op.op));
    Operator.addInputs(b, inputs);
    Operator.addOutputs(b, outputs);
    if (optionsType !== BuiltinOptions.NONE) {
      Operator.addBuiltinOptionsType(b, optionsType);
      Operator.addBuiltinOptions(b, options);
    }
    return Operator.endOperator(b);
  });

  const name = b.createString('main');
  const subgraph = SubGraph.createSubGraph(
    b,
    SubGraph.createTensorsVector(b, tensors),
    SubGraph.createInputsVector(b, [...model.inputs]),
    SubGraph.createOutputsVector(b, [...model.outputs]),
    SubGraph.createOperatorsVector(b, operators),
    name,
    0,
  );
  const operatorCodes = codes.map((c) => {
    const code = BuiltinOperator[c];
    OperatorCode.startOperatorCode(b);
    OperatorCode.addDeprecatedBuiltinCode(b, Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES));
    OperatorCode.addVersion(b, OPERATOR_VERSION[c]);
    OperatorCode.addBuiltinCode(b, code);
    return OperatorCode.endOperatorCode(b);
  });
  const description = b.createString(model.description);
  const operatorCodesVector = Model.createOperatorCodesVector(b, operatorCodes);
  const subgraphs = Model.createSubgraphsVector(b, [subgraph]);
  const buffers = Model.createBuffersVector(b, bufferOffsets);
  Model.startModel(b);
  Model.addVersion(b, TFLITE_SCHEMA_VERSION);
  Model.addOperatorCodes(b, operatorCodesVector);
  Model.addSubgraphs(b, subgraphs);
  Model.addDescription(b, description);
  Model.addBuffers(b, buffers);
  Model.finishModelBuffer(b, Model.endModel(b));
  return b.asUint8Array().slice();
}

function emptyBuffer(b: flatbuffers.Builder): flatbuffers.Offset {
  FbBuffer.startBuffer(b);
  return FbBuffer.endBuffer(b);
}

function tensorTable(b: flatbuffers.Builder, t: TfliteTensor, buffer: number): flatbuffers.Offset {
  const name = b.createString(t.name);
  const shape = Tensor.createShapeVector(b, [...t.shape]);
  let quantization = 0;
  if (t.quantization) {
    const q = t.quantization;
    const scale = QuantizationParameters.createScaleVector(b, [...q.scale]);
    const zeroPoint = QuantizationParameters.createZeroPointVector(
      b,
      q.zeroPoint.map((z) => BigInt(z)),
    );
    QuantizationParameters.startQuantizationParameters(b);
    QuantizationParameters.addScale(b, scale);
    QuantizationParameters.addZeroPoint(b, zeroPoint);
    if (q.axis !== 0) QuantizationParameters.addQuantizedDimension(b, q.axis);
    quantization = QuantizationParameters.endQuantizationParameters(b);
  }
  Tensor.startTensor(b);
  Tensor.addShape(b, shape);
  Tensor.addType(b, t.type === 'int8' ? TensorType.INT8 : TensorType.INT32);
  if (buffer !== 0) Tensor.addBuffer(b, buffer);
  Tensor.addName(b, name);
  if (quantization) Tensor.addQuantization(b, quantization);
  return Tensor.endTensor(b);
}

const PADDING: Readonly<Record<PaddingName, Padding>> = { same: Padding.SAME, valid: Padding.VALID };
const ACTIVATION: Readonly<Record<FusedActivation, ActivationFunctionType>> = {
  none: ActivationFunctionType.NONE,
  relu: ActivationFunctionType.RELU,
  relu6: ActivationFunctionType.RELU6,
};

function optionsTable(b: flatbuffers.Builder, o: OperatorOptions): [BuiltinOptions, flatbuffers.Offset] {
  switch (o.kind) {
    case 'conv2d':
      return [
        BuiltinOptions.Conv2DOptions,
        Conv2DOptions.createConv2DOptions(
          b,
          PADDING[o.padding],
          o.stride[1],
          o.stride[0],
          ACTIVATION[o.activation],
          1,
          1,
          TensorType.FLOAT32,
        ),
      ];
    case 'dwconv2d':
      return [
        BuiltinOptions.DepthwiseConv2DOptions,
        DepthwiseConv2DOptions.createDepthwiseConv2DOptions(
          b,
          PADDING[o.padding],
          o.stride[1],
          o.stride[0],
          o.multiplier,
          ACTIVATION[o.activation],
          1,
          1,
        ),
      ];
    case 'pool':
      return [
        BuiltinOptions.Pool2DOptions,
        Pool2DOptions.createPool2DOptions(
          b,
          PADDING[o.padding],
          o.stride[1],
          o.stride[0],
          o.filter[1],
          o.filter[0],
          ActivationFunctionType.NONE,
        ),
      ];
    case 'dense':
      FullyConnectedOptions.startFullyConnectedOptions(b);
      FullyConnectedOptions.addFusedActivationFunction(b, ACTIVATION[o.activation]);
      return [BuiltinOptions.FullyConnectedOptions, FullyConnectedOptions.endFullyConnectedOptions(b)];
    case 'reducer':
      return [BuiltinOptions.ReducerOptions, ReducerOptions.createReducerOptions(b, o.keepDims)];
    case 'reshape':
      ReshapeOptions.startReshapeOptions(b);
      return [BuiltinOptions.ReshapeOptions, ReshapeOptions.endReshapeOptions(b)];
    case 'add':
      AddOptions.startAddOptions(b);
      AddOptions.addFusedActivationFunction(b, ACTIVATION[o.activation]);
      return [BuiltinOptions.AddOptions, AddOptions.endAddOptions(b)];
    case 'mul':
      return [BuiltinOptions.MulOptions, MulOptions.createMulOptions(b, ACTIVATION[o.activation])];
    case 'concat':
      return [
        BuiltinOptions.ConcatenationOptions,
        ConcatenationOptions.createConcatenationOptions(b, o.axis, ACTIVATION[o.activation]),
      ];
    case 'softmax':
      return [BuiltinOptions.SoftmaxOptions, SoftmaxOptions.createSoftmaxOptions(b, o.beta)];
    case 'none':
      return [BuiltinOptions.NONE, 0];
  }
}
