import type { ArchGraph } from '../arch/graph.js';
import type { Convention } from './conventions.js';
import { nodeParams, tfliteOperators } from './flash.js';

/**
 * The persistent "tail" TFLite Micro allocates from the top of the arena, besides the planned
 * activations, for a 32-bit target. Sizes come from `RecordingMicroAllocator` reports of 32-bit
 * builds (12 B per `TfLiteEvalTensor`, 32 B per `NodeAndRegistration`) and the kernels' OpData
 * structs; the fixed part covers the interpreter's own objects, the planner and the persistent
 * `TfLiteTensor`s of the input and output. An estimate — it depends on the TFLM version, the
 * kernel port and the toolchain; docs/resources.md shows the two logs it was checked against.
 */
export interface TailModel {
  readonly fixed: number;
  readonly perTensor: number;
  readonly perOperator: number;
  /** OpData of a conv / depthwise conv: a struct plus int32 multiplier and shift per channel. */
  readonly convOpData: number;
  readonly perChannel: number;
  readonly denseOpData: number;
  readonly poolOpData: number;
  readonly addOpData: number;
  readonly softmaxOpData: number;
  readonly otherOpData: number;
}

export const TFLM_TAIL: TailModel = {
  fixed: 512,
  perTensor: 12,
  perOperator: 32,
  convOpData: 96,
  perChannel: 8,
  denseOpData: 96,
  poolOpData: 48,
  addOpData: 96,
  softmaxOpData: 64,
  otherOpData: 32,
};

export interface TailEstimate {
  readonly bytes: number;
  /** TFLite tensors (activations and constants) and operators counted. */
  readonly tensors: number;
  readonly operators: number;
}

export function tflmTail(graph: ArchGraph, conv: Convention, model: TailModel = TFLM_TAIL): TailEstimate {
  let tensors = 1; // the input
  let operators = 0;
  let opData = 0;
  for (const node of graph.nodes) {
    const ops = tfliteOperators(graph, node, conv);
    if (ops.length === 0) continue;
    operators += ops.length;
    tensors += ops.length;
    const kind = node.op.kind;
    if (kind === 'conv2d' || kind === 'dwconv2d') {
      tensors += 2;
      opData += model.convOpData + model.perChannel * nodeParams(graph, node).channels;
    } else if (kind === 'dense') {
      tensors += 2;
      opData += model.denseOpData;
    } else if (kind === 'batchnorm') {
      tensors += 2;
      opData += 2 * model.addOpData;
    } else if (kind === 'flatten' || kind === 'global-pool') {
      tensors += 1;
      opData += kind === 'global-pool' ? model.poolOpData : model.otherOpData;
    } else if (kind === 'pool') {
      opData += model.poolOpData;
    } else if (kind === 'add') {
      opData += model.addOpData;
    } else if (kind === 'softmax') {
      opData += model.softmaxOpData;
    } else {
      opData += model.otherOpData;
    }
  }
  const bytes = model.fixed + tensors * model.perTensor + operators * model.perOperator + opData;
  return { bytes, tensors, operators };
}
