import type { MemoryGraph } from './memory-graph.js';

/**
 * Working sets of one operator order. One operator runs at a time (as in TFLite Micro); the
 * working set at an operator is its inputs + its output + every earlier tensor still needed later.
 * A tensor is freed after its last reader; the network output is never freed; a tensor nobody
 * reads is dropped right after its step.
 */
export interface Steps {
  /** Working set (bytes) at each position of the order. */
  readonly steps: readonly number[];
  readonly peak: number;
  /** Position of the first step reaching the peak (-1 for an empty order). */
  readonly peakPos: number;
}

/**
 * The μNAS in-place rule: an add may write over an input of its own shape (all of an add's inputs
 * are) that is counted and has no other reader left. Returns that input, or -1.
 */
export function inPlaceInput(mg: MemoryGraph, v: number, remaining: readonly number[]): number {
  if (mg.inPlace[v] === 0) return -1;
  for (let k = mg.inStart[v]!; k < mg.inStart[v + 1]!; k++) {
    const i = mg.inList[k]!;
    if (mg.size[i]! > 0 && remaining[i] === 1 && i !== mg.output) return i;
  }
  return -1;
}

/** Simulates `order` (tensor indices of every operator, input excluded) and returns its steps. */
export function simulateOrder(mg: MemoryGraph, order: ArrayLike<number>): Steps {
  const remaining: number[] = new Array<number>(mg.n);
  for (let t = 0; t < mg.n; t++) remaining[t] = mg.consStart[t + 1]! - mg.consStart[t]!;
  let live = remaining[0]! > 0 || mg.output === 0 ? mg.size[0]! : 0;
  const steps: number[] = new Array<number>(order.length);
  let peak = 0;
  let peakPos = -1;
  for (let p = 0; p < order.length; p++) {
    const v = order[p]!;
    const step = inPlaceInput(mg, v, remaining) >= 0 ? live : live + mg.size[v]!;
    steps[p] = step;
    if (step > peak || peakPos < 0) {
      peak = step;
      peakPos = p;
    }
    if (remaining[v]! > 0 || v === mg.output) live += mg.size[v]!;
    for (let k = mg.inStart[v]!; k < mg.inStart[v + 1]!; k++) {
      const i = mg.inList[k]!;
      if (--remaining[i]! === 0 && i !== mg.output) live -= mg.size[i]!;
    }
  }
  return { steps, peak, peakPos };
}

/**
 * The tensors resident at position `pos` of `order`: live tensors, the operator's inputs and its
 * output (which takes the place of the input it overwrites when it runs in place). Counted tensors
 * only, so their sizes sum to the step's working set.
 */
export function residentAt(mg: MemoryGraph, order: ArrayLike<number>, pos: number): number[] {
  const remaining: number[] = new Array<number>(mg.n);
  for (let t = 0; t < mg.n; t++) remaining[t] = mg.consStart[t + 1]! - mg.consStart[t]!;
  const live: number[] = new Array<number>(mg.n).fill(0);
  live[0] = 1;
  for (let p = 0; p < pos; p++) {
    const v = order[p]!;
    if (remaining[v]! > 0 || v === mg.output) live[v] = 1;
    for (let k = mg.inStart[v]!; k < mg.inStart[v + 1]!; k++) {
      const i = mg.inList[k]!;
      if (--remaining[i]! === 0 && i !== mg.output) live[i] = 0;
    }
  }
  const v = order[pos]!;
  const over = inPlaceInput(mg, v, remaining);
  const out: number[] = [];
  for (let t = 0; t < mg.n; t++) if (live[t] && t !== over && mg.size[t]! > 0) out.push(t);
  if (mg.size[v]! > 0) out.push(v);
  return out;
}
