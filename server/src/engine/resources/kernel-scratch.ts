import type { ArchGraph } from '../arch/graph.js';
import type { CoreModel } from './cores.js';

/**
 * The scratch buffers TFLite Micro kernels request in `Prepare` (`RequestScratchBufferInArena`),
 * per kernel library. Each request is its own planner buffer, live during its operator only, so an
 * operator returns a list. Sources (tensorflow/tflite-micro, CMSIS-NN), int8 kernels:
 *
 * | operator | reference kernels | CMSIS-NN |
 * |---|---|---|
 * | CONV_2D | none (`kernels/conv_common.cc`: only int4 filters unpack into scratch) | im2col `2·Cin·Kh·Kw·2` B (`arm_convolve_s8_get_buffer_size`); none for the 1×1 stride-1 fast path |
 * | DEPTHWISE_CONV_2D | none (`kernels/depthwise_conv_common.cc`) | DSP builds: `Cin·Kh·Kw·2` B (`arm_depthwise_conv_s8_opt_get_buffer_size`); none for 3×3 multiplier 1 |
 * | AVERAGE_POOL_2D | none (`kernels/pooling_common.cc`) | DSP builds: `4·C` B (`arm_avgpool_s8_get_buffer_size`) |
 * | MEAN | `4·outputs` B (`kernels/reduce_common.cc`, `PrepareMeanOrSum`) | the same (reference kernel) |
 * | REDUCE_MAX | `4·rank(input)` B and `4·axes` B (`PrepareMax`) | the same (reference kernel) |
 * | others | none | none (`arm_fully_connected_s8_get_buffer_size` returns 0 outside MVE) |
 */
export type KernelLibrary = 'cmsis-nn' | 'reference';
export const KERNEL_LIBRARIES: readonly KernelLibrary[] = ['cmsis-nn', 'reference'];

export function isKernelLibrary(s: string): s is KernelLibrary {
  return s === 'cmsis-nn' || s === 'reference';
}

export interface Kernels {
  readonly library: KernelLibrary;
  /** DSP / SIMD extension: CMSIS-NN's optimised paths and their buffers. */
  readonly dsp: boolean;
}

/**
 * The kernels a target runs: the library asked for, else the core's default (CMSIS-NN on Arm
 * cores, reference elsewhere); with no core, CMSIS-NN with DSP (the larger scratch, so an arena
 * sized from it fits either way).
 */
export function resolveKernels(core: CoreModel | undefined, library?: KernelLibrary): Kernels {
  return {
    library: library ?? (!core || core.cmsisNn ? 'cmsis-nn' : 'reference'),
    dsp: core ? core.dsp : true,
  };
}

/** The scratch requests (bytes, before 16 B alignment) of graph node `id`'s operator. */
export function scratchRequests(graph: ArchGraph, id: number, kernels: Kernels): readonly number[] {
  const node = graph.nodes[id]!;
  const op = node.op;
  const inShape = node.inputs.length ? graph.nodes[node.inputs[0]!]!.shape : node.shape;
  const cin = inShape[2] ?? 0;
  const cmsis = kernels.library === 'cmsis-nn';
  switch (op.kind) {
    case 'conv2d':
      if (!cmsis || (op.kernel[0] === 1 && op.kernel[1] === 1 && op.stride[0] === 1 && op.stride[1] === 1))
        return [];
      return [2 * cin * op.kernel[0] * op.kernel[1] * 2];
    case 'dwconv2d':
      if (!cmsis || !kernels.dsp || (op.kernel[0] === 3 && op.kernel[1] === 3 && op.multiplier === 1))
        return [];
      return [cin * op.kernel[0] * op.kernel[1] * 2];
    case 'pool':
      return cmsis && kernels.dsp && op.type === 'avg' ? [cin * 4] : [];
    case 'global-pool':
      // MEAN: an int32 accumulator per output element; REDUCE_MAX: the input's dims and the two axes.
      return op.type === 'avg' ? [(node.shape[0] ?? 0) * 4] : [4 * (inShape.length + 1), 4 * 2];
    default:
      return [];
  }
}
