import { alignTo, planGreedyInto } from './greedy-planner.js';
import type { MemoryGraph } from './memory-graph.js';

/**
 * The TFLite Micro tensor arena for one operator order: the non-persistent "head" as the
 * `GreedyMemoryPlanner` lays it out. Lifetimes follow `AllocationInfoBuilder`
 * (micro_allocation_info.cc): operator p runs in scope p + 1; the model input is created at
 * scope 0, every other tensor at its producer's scope; a tensor lives until the scope of its last
 * reader and the model output until the last scope. Requests are added tensor by tensor in
 * graph order (TFLM adds them in the flatbuffer's tensor order, which the exporter should keep
 * the same), then one scratch buffer per operator that asks for one, live during its operator.
 * An unfused batch norm runs as two operators (MUL, then ADD) with an intermediate tensor of its
 * output's size between them, written just before its output.
 */
export const ARENA_ALIGNMENT = 16;

export interface ArenaEstimate {
  /** Arena bytes for the activation tensors alone (fragmentation and 16 B alignment included). */
  readonly tensors: number;
  /** Arena bytes with the kernels' scratch buffers planned in as well. */
  readonly withScratch: number;
  /** Offset of each tensor in the tensors-only plan (by tensor index; -1 for none). */
  readonly offsets: readonly number[];
}

/**
 * Plans `mg` (built in the tflm convention: every tensor counted) for `order` (tensor indices of
 * the operators). `scratch[t]` lists the scratch requests of tensor t's operator (kernel-scratch.ts),
 * added in operator order after every tensor, as `AllocationInfoBuilder` does. `twoStep[t]` is 1
 * where tensor t's node runs as MUL + ADD (an unfused batch norm).
 */
export function tflmArena(
  mg: MemoryGraph,
  order: ArrayLike<number>,
  scratch?: ArrayLike<readonly number[] | undefined>,
  twoStep?: ArrayLike<number>,
): ArenaEstimate {
  const scope: number[] = new Array<number>(mg.n).fill(0); // scope in which each tensor is produced
  const reads: number[] = new Array<number>(mg.n).fill(0); // scope in which its operator reads its inputs
  let nOps = 0;
  let steps = 0;
  for (let p = 0; p < order.length; p++) {
    const t = order[p]!;
    if (twoStep?.[t]) steps++;
    reads[t] = ++nOps;
    if (twoStep?.[t]) nOps++;
    scope[t] = nOps;
  }
  // Tensor requests first (graph order), then scratch requests; parallel arrays.
  let scratchCount = 0;
  if (scratch) for (let p = 0; p < order.length; p++) scratchCount += scratch[order[p]!]?.length ?? 0;
  const cap = mg.n + steps + scratchCount;
  const size: number[] = new Array<number>(cap);
  const first: number[] = new Array<number>(cap);
  const last: number[] = new Array<number>(cap);
  const tensorOfRequest: number[] = new Array<number>(mg.n + steps);
  let count = 0;
  for (let t = 0; t < mg.n; t++) {
    if (mg.bytes[t]! <= 0) continue;
    if (twoStep?.[t]) {
      // The MUL's output, read by the ADD in the next scope.
      size[count] = alignTo(mg.bytes[t]!, ARENA_ALIGNMENT);
      first[count] = reads[t]!;
      last[count] = scope[t]!;
      tensorOfRequest[count++] = -1;
    }
    const f = t === 0 ? 0 : scope[t]!;
    let l = f;
    for (let k = mg.consStart[t]!; k < mg.consStart[t + 1]!; k++) l = Math.max(l, reads[mg.consList[k]!]!);
    if (t === mg.output) l = nOps;
    size[count] = alignTo(mg.bytes[t]!, ARENA_ALIGNMENT);
    first[count] = f;
    last[count] = l;
    tensorOfRequest[count++] = t;
  }
  const tensorRequests = count;
  const planned: number[] = new Array<number>(cap);
  const tensors = planGreedyInto(tensorRequests, size, first, last, planned);
  const offsets: number[] = new Array<number>(mg.n).fill(-1);
  for (let i = 0; i < tensorRequests; i++)
    if (tensorOfRequest[i]! >= 0) offsets[tensorOfRequest[i]!] = planned[i]!;
  let withScratch = tensors;
  if (scratch) {
    for (let p = 0; p < order.length; p++) {
      const t = order[p]!;
      for (const bytes of scratch[t] ?? []) {
        if (bytes <= 0) continue;
        size[count] = alignTo(bytes, ARENA_ALIGNMENT);
        first[count] = scope[t]!;
        last[count++] = scope[t]!;
      }
    }
    if (count > tensorRequests) withScratch = planGreedyInto(count, size, first, last, planned);
  }
  return { tensors, withScratch, offsets };
}
