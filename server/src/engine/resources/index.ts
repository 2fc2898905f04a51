/** Resource models: peak RAM, TFLM arena, flash, MACs and latency of an ArchGraph; search-space bounds. */
export {
  type Convention,
  type ConventionName,
  CONVENTIONS,
  type FlatbufferOverhead,
  isConventionName,
  resolveConvention,
  TFLITE_FLATBUFFER,
  TFLM,
  UNAS,
} from './conventions.js';
export {
  type ArenaTotals,
  estimate,
  type Estimate,
  type EstimateOptions,
  type EstimateTotals,
  type LayerEstimate,
} from './estimate.js';
export { type MetricBounds, spaceBounds, type SpaceBounds, type SpaceBoundsOptions } from './space-bounds.js';
export { CORE_IDS, type CoreId, type CoreModel, CORES, isCoreId } from './cores.js';
export { buildMemoryGraph, isAliasNode, type MemoryGraph } from './memory-graph.js';
export {
  DEFAULT_MAX_STATES,
  operatorFloor,
  optimalOrder,
  type OptimalOrder,
  type PeakRamOptions,
  separators,
} from './peak-ram.js';
export { residentAt, simulateOrder, type Steps } from './working-set.js';
export { type BufferRequest, type Plan, planGreedy } from './greedy-planner.js';
export { ARENA_ALIGNMENT, type ArenaEstimate, tflmArena } from './tflm-arena.js';
export {
  isKernelLibrary,
  KERNEL_LIBRARIES,
  type KernelLibrary,
  type Kernels,
  resolveKernels,
  scratchRequests,
} from './kernel-scratch.js';
export { type TailEstimate, type TailModel, TFLM_TAIL, TFLM_TAIL_HOST64, tflmTail } from './tflm-tail.js';
export { modelFlashOverhead, nodeFlash, nodeParams, operatorFlash, tfliteOperators } from './flash.js';
export { nodeMacs } from './macs.js';
export { cyclesToMs, nodeCycles } from './latency.js';
