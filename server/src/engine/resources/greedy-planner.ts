/**
 * A faithful re-implementation of tflite-micro's `GreedyMemoryPlanner`
 * (tensorflow/lite/micro/memory_planner/greedy_memory_planner.cc), online buffers only:
 * - buffers are sorted by size, largest first; equal sizes go in *reverse* of the order they were
 *   added: `CalculateOffsetsIfNeeded` fills its sort array from the tail (`idx_from_tail--`) and
 *   `ReverseSortInPlace` is a stable bubble sort, so of two equal buffers the later one is placed
 *   first (read at tflite-micro commit 17bebc0, the same since offline planning came in);
 * - the largest goes at offset 0; each next one walks the already placed buffers in offset order,
 *   looking only at those whose lifetimes intersect its own (both ends inclusive), and takes the
 *   first gap that fits after the end of the previous such buffer — else the end of the last one;
 * - the arena is the highest end offset.
 * Sizes are expected already aligned (TFLM rounds every request up to 16 B before adding it).
 */
export interface BufferRequest {
  readonly size: number;
  readonly first: number;
  readonly last: number;
}

export interface Plan {
  /** Offset of each request, in request order. */
  readonly offsets: Int32Array;
  /** Arena bytes the plan needs. */
  readonly bytes: number;
}

export function planGreedy(requests: readonly BufferRequest[]): Plan {
  const n = requests.length;
  const size = new Float64Array(n);
  const first = new Int32Array(n);
  const last = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = requests[i]!;
    size[i] = r.size;
    first[i] = r.first;
    last[i] = r.last;
  }
  const offsets = new Int32Array(n);
  return { offsets, bytes: planGreedyInto(n, size, first, last, offsets) };
}

/**
 * The planner over parallel arrays (no allocation beyond its scratch): fills `offsets` and
 * returns the arena bytes.
 */
export function planGreedyInto(
  n: number,
  size: ArrayLike<number>,
  first: ArrayLike<number>,
  last: ArrayLike<number>,
  offsets: number[] | Int32Array,
): number {
  if (n === 0) return 0;
  // Descending by size, ties latest-added first: TFLM fills its array from the tail, then sorts it
  // stably; an insertion sort over the same reversed sequence gives the same order.
  // Plain arrays: a few dozen buffers per plan, where typed-array allocation dominates.
  const ids: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const id = n - 1 - i;
    let j = i - 1;
    while (j >= 0 && size[ids[j]!]! < size[id]!) {
      ids[j + 1] = ids[j]!;
      j--;
    }
    ids[j + 1] = id;
  }
  // Placed buffers as a linked list in offset order: entry e holds request req[e] at off[e].
  const req: number[] = new Array<number>(n);
  const off: number[] = new Array<number>(n);
  const next: number[] = new Array<number>(n);
  next[0] = -1;
  let head = 0;
  req[0] = ids[0]!;
  off[0] = 0;
  offsets[ids[0]!] = 0;
  for (let s = 1; s < n; s++) {
    const id = ids[s]!;
    const wantSize = size[id]!;
    const wantFirst = first[id]!;
    const wantLast = last[id]!;
    let candidate = 0;
    let prior = -1;
    for (;;) {
      // Next placed buffer (after `prior` in offset order) live at the same time (ends inclusive).
      let e = prior < 0 ? head : next[prior]!;
      while (e >= 0 && (first[req[e]!]! > wantLast || wantFirst > last[req[e]!]!)) e = next[e]!;
      if (prior >= 0) {
        const end = off[prior]! + size[req[prior]!]!;
        if (end > candidate) candidate = end;
      }
      if (e < 0) break;
      if (off[e]! - candidate >= wantSize) break;
      prior = e;
    }
    offsets[id] = candidate;
    const entry = s;
    req[entry] = id;
    off[entry] = candidate;
    if (off[head]! > candidate) {
      next[entry] = head;
      head = entry;
    } else {
      let cur = head;
      while (next[cur]! >= 0 && off[next[cur]!]! <= candidate) cur = next[cur]!;
      next[entry] = next[cur]!;
      next[cur] = entry;
    }
  }
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const end = offsets[i]! + size[i]!;
    if (end > bytes) bytes = end;
  }
  return bytes;
}

export const alignTo = (n: number, alignment: number): number => Math.ceil(n / alignment) * alignment;
