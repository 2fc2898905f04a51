import type { MemoryGraph } from './memory-graph.js';
import { simulateOrder } from './working-set.js';

/**
 * The operator order that minimises peak RAM, after μNAS's memoised recursion over frontier sets,
 * run forwards: the state is the set of operators already run (a down-set of the graph), the
 * working set at the next operator follows from it, and the optimum is the minimum over ready
 * operators of max(this step, best completion). Same optimum as μNAS's backward recursion
 * (a frontier tensor set and the set of operators run before it determine each other).
 *
 * Two things keep it fast:
 * - The graph is cut at *separator* tensors — no edge jumps over them in topological order, so
 *   every earlier operator is an ancestor and every later one a descendant. Any order runs the
 *   pieces between separators one after another and nothing else is live across a cut, so each
 *   piece is solved on its own. A chain is all separators: O(n), no search at all.
 * - Within a piece the state is a bit mask (≤ 30 operators) memoised in a Map, and a branch
 *   whose step alone is no better than the best found so far is skipped (the memoised value
 *   stays exact).
 * A piece wider than 30 operators, or one whose search would exceed `maxStates`, is ordered by a
 * beam search instead; the peak is then an upper bound (`exact: false`), reported together with
 * a lower bound (no operator can run in less than its inputs + output).
 */
export interface OptimalOrder {
  /** Tensor indices of every operator (input excluded), in the order found. */
  readonly order: readonly number[];
  readonly steps: readonly number[];
  readonly peak: number;
  readonly peakPos: number;
  /** True when `peak` is the proven optimum; otherwise it is an upper bound. */
  readonly exact: boolean;
  /** A proven lower bound on the optimum (equals `peak` when exact). */
  readonly lowerBound: number;
  /** Search states memoised (0 for chains). */
  readonly states: number;
}

export interface PeakRamOptions {
  /** Search states allowed per graph before falling back to the heuristic. */
  readonly maxStates?: number;
  /** Beam width of the fallback heuristic. */
  readonly beamWidth?: number;
}

export const DEFAULT_MAX_STATES = 200_000;
const MAX_MASK_OPS = 30;

/** Separator tensors, ascending; always starts with 0 (the input) and ends with n − 1. */
export function separators(mg: MemoryGraph): number[] {
  const cuts = [0];
  let reach = lastReader(mg, 0);
  for (let p = 1; p < mg.n; p++) {
    if (reach <= p) cuts.push(p);
    reach = Math.max(reach, lastReader(mg, p));
  }
  return cuts;
}

/** The last consumer of tensor t (consumers are listed ascending), or t itself when unread. */
function lastReader(mg: MemoryGraph, t: number): number {
  const end = mg.consStart[t + 1]!;
  return mg.consStart[t]! < end ? mg.consList[end - 1]! : t;
}

export function optimalOrder(mg: MemoryGraph, options: PeakRamOptions = {}): OptimalOrder {
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const order: number[] = new Array<number>(mg.n - 1);
  const cuts = separators(mg);
  let pos = 0;
  let exact = true;
  let states = 0;
  // Positions ordered by the heuristic rather than the exact search.
  const guessed: number[] = new Array<number>(order.length).fill(0);
  for (let s = 0; s + 1 < cuts.length; s++) {
    const a = cuts[s]!;
    const b = cuts[s + 1]!;
    if (b - a === 1) {
      order[pos++] = b;
      continue;
    }
    const local = b - a <= MAX_MASK_OPS ? searchSegment(mg, a, b, maxStates - states) : null;
    if (local) {
      states += local.states;
      for (const j of local.order) order[pos++] = a + j;
    } else {
      exact = false;
      for (const t of beamSegment(mg, a, b, options.beamWidth ?? 24)) {
        guessed[pos] = 1;
        order[pos++] = t;
      }
    }
  }
  const sim = simulateOrder(mg, order);
  let lowerBound = sim.peak;
  if (!exact) {
    // Exactly ordered pieces contribute their true peaks; each heuristic piece at least its
    // heaviest operator (inputs + output, or inputs alone when it may run in place).
    lowerBound = 0;
    for (let p = 0; p < order.length; p++) {
      lowerBound = Math.max(lowerBound, guessed[p] ? operatorFloor(mg, order[p]!) : sim.steps[p]!);
    }
  }
  return { order, steps: sim.steps, peak: sim.peak, peakPos: sim.peakPos, exact, lowerBound, states };
}

/** The least any order can spend on operator `v`: its inputs and output (output in place if allowed). */
export function operatorFloor(mg: MemoryGraph, v: number): number {
  let sum = 0;
  let canOverwrite = false;
  for (let k = mg.inStart[v]!; k < mg.inStart[v + 1]!; k++) {
    const i = mg.inList[k]!;
    sum += mg.size[i]!;
    if (mg.inPlace[v] && mg.size[i]! > 0) canOverwrite = true;
  }
  return canOverwrite ? sum : sum + mg.size[v]!;
}

interface SegmentOrder {
  readonly order: number[];
  readonly states: number;
}

/**
 * Exact search over the piece a..b (tensor a already computed; operators a+1..b). Local bit j is
 * tensor a + j. Returns null when it would memoise more than `budget` states.
 */
function searchSegment(mg: MemoryGraph, a: number, b: number, budget: number): SegmentOrder | null {
  const k = b - a;
  const sz = new Float64Array(k + 1);
  const inMask = new Int32Array(k + 1);
  const consMask = new Int32Array(k + 1);
  const persists = new Uint8Array(k + 1);
  const inPlace = new Uint8Array(k + 1);
  for (let j = 0; j <= k; j++) {
    const t = a + j;
    sz[j] = mg.size[t]!;
    inPlace[j] = mg.inPlace[t]!;
    if (j > 0)
      for (let q = mg.inStart[t]!; q < mg.inStart[t + 1]!; q++) inMask[j]! |= 1 << (mg.inList[q]! - a);
    for (let q = mg.consStart[t]!; q < mg.consStart[t + 1]!; q++) {
      const c = mg.consList[q]!;
      if (c <= b) consMask[j]! |= 1 << (c - a);
    }
    // The piece's last tensor is read after the piece (or is the output).
    persists[j] = j === k || t === mg.output ? 1 : 0;
  }
  const full = k === 30 ? 0x7fffffff : (1 << (k + 1)) - 1;
  const memo = new Map<number, number>();
  let over = false;

  // Returns the best peak of completing the piece from state S with `live` bytes resident.
  const solve = (S: number, live: number): number => {
    if (S === full) return 0;
    const hit = memo.get(S);
    if (hit !== undefined) return Math.floor(hit / 32);
    if (memo.size >= budget) {
      over = true;
      return Infinity;
    }
    let best = Infinity;
    let bestJ = 0;
    for (let j = 1; j <= k; j++) {
      const bit = 1 << j;
      if (S & bit || inMask[j]! & ~S) continue;
      const S2 = S | bit;
      let freed = 0;
      let inPlaceOk = false;
      const ins = inMask[j]!;
      for (let i = 0; i < j; i++) {
        if (!(ins & (1 << i))) continue;
        if ((consMask[i]! & ~S2) === 0 && !persists[i]) {
          freed += sz[i]!;
          if (inPlace[j] && sz[i]! > 0) inPlaceOk = true;
        }
      }
      const step = inPlaceOk ? live : live + sz[j]!;
      if (step >= best) continue;
      const kept = consMask[j]! !== 0 || persists[j] ? sz[j]! : 0;
      const rest = solve(S2, live + kept - freed);
      if (over) return Infinity;
      const r = step > rest ? step : rest;
      if (r < best) {
        best = r;
        bestJ = j;
      }
    }
    memo.set(S, best * 32 + bestJ);
    return best;
  };

  solve(1, consMask[0]! !== 0 ? sz[0]! : 0);
  if (over) return null;
  const order: number[] = [];
  let S = 1;
  while (S !== full) {
    const j = memo.get(S)! % 32;
    order.push(j);
    S |= 1 << j;
  }
  return { order, states: memo.size };
}

interface Beam {
  readonly done: Uint8Array;
  readonly remaining: Int32Array;
  readonly order: number[];
  readonly live: number;
  readonly peak: number;
}

/**
 * Heuristic order for a wide piece: a beam search keeping the `width` partial orders with the
 * lowest (peak so far, resident bytes), deduplicated by the set of operators run; the file order
 * is kept if it is better. Any order's peak is an upper bound on the optimum.
 */
function beamSegment(mg: MemoryGraph, a: number, b: number, width: number): number[] {
  const k = b - a;
  const rem0 = new Int32Array(k + 1);
  for (let j = 0; j <= k; j++) {
    const t = a + j;
    let c = 0;
    for (let q = mg.consStart[t]!; q < mg.consStart[t + 1]!; q++) if (mg.consList[q]! <= b) c++;
    rem0[j] = c;
  }
  const persists = (j: number): boolean => j === k || a + j === mg.output;
  let beam: Beam[] = [
    {
      done: Uint8Array.from({ length: k + 1 }, (_, j) => (j === 0 ? 1 : 0)),
      remaining: rem0,
      order: [],
      live: rem0[0]! > 0 ? mg.size[a]! : 0,
      peak: 0,
    },
  ];
  for (let depth = 0; depth < k; depth++) {
    const next = new Map<string, Beam>();
    for (const s of beam) {
      for (let j = 1; j <= k; j++) {
        if (s.done[j]) continue;
        const t = a + j;
        let ready = true;
        for (let q = mg.inStart[t]!; q < mg.inStart[t + 1]!; q++)
          if (!s.done[mg.inList[q]! - a]) ready = false;
        if (!ready) continue;
        const remaining = s.remaining.slice();
        let freed = 0;
        let inPlaceOk = false;
        for (let q = mg.inStart[t]!; q < mg.inStart[t + 1]!; q++) {
          const i = mg.inList[q]! - a;
          if (--remaining[i]! === 0 && !persists(i)) {
            freed += mg.size[a + i]!;
            if (mg.inPlace[t] && mg.size[a + i]! > 0) inPlaceOk = true;
          }
        }
        const step = inPlaceOk ? s.live : s.live + mg.size[t]!;
        const kept = rem0[j]! > 0 || persists(j) ? mg.size[t]! : 0;
        const done = s.done.slice();
        done[j] = 1;
        const cand: Beam = {
          done,
          remaining,
          order: [...s.order, t],
          live: s.live + kept - freed,
          peak: Math.max(s.peak, step),
        };
        const key = done.join('');
        const prev = next.get(key);
        if (!prev || cand.peak < prev.peak || (cand.peak === prev.peak && cand.live < prev.live))
          next.set(key, cand);
      }
    }
    beam = [...next.values()].sort((x, y) => x.peak - y.peak || x.live - y.live).slice(0, width);
  }
  const found = beam[0]!.order;
  const fileOrder = Array.from({ length: k }, (_, i) => a + 1 + i);
  return segmentPeak(mg, a, found) <= segmentPeak(mg, a, fileOrder) ? found : fileOrder;
}

/** Peak of a piece's order, simulated on its own (only the piece's tensors are live inside it). */
function segmentPeak(mg: MemoryGraph, a: number, order: readonly number[]): number {
  const b = a + order.length;
  const remaining = new Map<number, number>();
  const left = (t: number): number => {
    let c = remaining.get(t);
    if (c === undefined) {
      c = 0;
      for (let q = mg.consStart[t]!; q < mg.consStart[t + 1]!; q++) if (mg.consList[q]! <= b) c++;
    }
    return c;
  };
  let live = left(a) > 0 ? mg.size[a]! : 0;
  let peak = 0;
  for (const t of order) {
    let freed = 0;
    let inPlaceOk = false;
    for (let q = mg.inStart[t]!; q < mg.inStart[t + 1]!; q++) {
      const i = mg.inList[q]!;
      const c = left(i) - 1;
      remaining.set(i, c);
      if (c === 0 && i !== b) {
        freed += mg.size[i]!;
        if (mg.inPlace[t] && mg.size[i]! > 0) inPlaceOk = true;
      }
    }
    peak = Math.max(peak, inPlaceOk ? live : live + mg.size[t]!);
    live += (left(t) > 0 || t === b ? mg.size[t]! : 0) - freed;
  }
  return peak;
}
