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

/**
 * The same tail on a 64-bit host (x86-64, arm64: where users try a model first). TFLM's structs hold
 * pointers, which double: `TfLiteEvalTensor` {data, dims, type} 12 → 24 B; `NodeAndRegistration`
 * (`TfLiteNode` with TF_LITE_STATIC_MEMORY: six pointers and an int, then the registration pointer)
 * 32 → 64 B; the conv / depthwise OpData's two per-channel pointers +16 B, fully connected's (per-channel
 * support) +16 B, softmax's lookup-table pointers +32 B, concatenation's scale / zero-point pointers
 * +16 B (each rounded to the 16 B the arena aligns persistent buffers to); the fixed part +160 B: the
 * persistent input and output `TfLiteTensor`s (40 → 64 B each) and their `TfLiteAffineQuantization`
 * (12 → 24 B each), and the allocator and planner objects. Derived from the struct definitions
 * (tensorflow/lite/core/c/common.h, micro/kernels/*.h), not measured — docs/export.md.
 */
export const TFLM_TAIL_HOST64: TailModel = {
  fixed: TFLM_TAIL.fixed + 160,
  perTensor: 24,
  perOperator: 64,
  convOpData: TFLM_TAIL.convOpData + 16,
  perChannel: TFLM_TAIL.perChannel,
  denseOpData: TFLM_TAIL.denseOpData + 16,
  poolOpData: TFLM_TAIL.poolOpData,
  addOpData: TFLM_TAIL.addOpData,
  softmaxOpData: TFLM_TAIL.softmaxOpData + 32,
  otherOpData: TFLM_TAIL.otherOpData + 16,
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
    } else if (kind === 'concat') {
      // int8: a float scale and an int32 zero point per input, two persistent buffers
      // (kernels/concatenation.cc), each 16 B aligned like every persistent allocation.
      opData += model.otherOpData + 2 * Math.ceil((4 * node.inputs.length) / 16) * 16;
    } else {
      opData += model.otherOpData;
    }
  }
  const bytes = model.fixed + tensors * model.perTensor + operators * model.perOperator + opData;
  return { bytes, tensors, operators };
}
