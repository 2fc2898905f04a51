import type { SearchSpace } from '../arch/space.js';
import { type Convention, type ConventionName, resolveConvention } from './conventions.js';
import { modelOverheadBytes, operatorFlash } from './flash.js';

/**
 * The least (and, without branches, the most) peak RAM, flash and MACs any architecture of a
 * search space can have — so the editor can say "no architecture in this space fits 512 B of
 * RAM: the smallest needs 784 B" before a search starts.
 *
 * Architectures follow the μNAS lowering: conv blocks of conv / 1×1 / depthwise layers, each with
 * an optional max pre-pool (skipped on a 1×1 map); a kernel or pool larger than its input is
 * clipped to it, as μNAS does (if a lowering rejects such layers instead, the bounds stay valid);
 * then the optional final pool, flatten, hidden dense layers and the classifier (1 unit for 2
 * classes). Every metric is a dynamic programme over the tensor shape after each layer:
 * - Each cost is monotone in every channel count and in the dense widths, so the smallest network
 *   uses the fewest filters / units everywhere (the largest the most); only shapes vary.
 * - Which shapes are cheapest is not a per-field minimum: a stride-2 or a pre-pool shrinks every
 *   later map, an extra block can shrink the flatten that dominates flash, a prepool costs its own
 *   in + out working set. The programme weighs every layer choice against all later ones, per
 *   metric (RAM combines steps by max along the chain, flash and MACs by sum).
 * - Peak RAM of a chain is the largest single operator's input + output, so it is exact.
 * Branches (μNAS branch blocks) only add layers, pools and an add; dropping them gives a lower
 * bound, provided the tie-up that may shrink the main path is kept: after a block from map li,
 * its branches tie up at no less than the smallest spatial size a block can reach from li. Later
 * costs must then be monotone in the spatial size for that smallest size to be the one to keep;
 * μNAS's clipping breaks this on non-square maps (a 7-wide kernel clipped to a 3×40 map leaves
 * 38 columns where a 7×40 map keeps 34), so with branches a clipped valid conv is given the
 * unclipped output size max(1, ⌊(h − k)/s⌋ + 1) — never above the real one, and monotone. With
 * branches the minima are lower bounds and no maxima are given. The tflm minimum of flash counts
 * two operator codes (FULLY_CONNECTED and one conv kind), so it is a lower bound too.
 */
export interface SpaceBoundsOptions {
  readonly convention?: ConventionName | Convention;
  readonly includeInput?: boolean;
  /** Whether the classifier ends in a softmax operator (default false: μNAS emits logits). */
  readonly softmax?: boolean;
}

export interface MetricBounds {
  readonly min: number;
  /** Null when not computed (spaces with branches). */
  readonly max: number | null;
  /** True when `min` / `max` are attained by an architecture; false when `min` is a lower bound. */
  readonly exact: boolean;
}

export interface SpaceBounds {
  readonly convention: ConventionName;
  readonly peakRam: MetricBounds;
  readonly flash: MetricBounds;
  readonly macs: MetricBounds;
}

export function spaceBounds(space: SearchSpace, options: SpaceBoundsOptions = {}): SpaceBounds {
  const conv = resolveConvention(
    options.convention,
    options.includeInput === undefined ? undefined : { includeInput: options.includeInput },
  );
  const softmax = options.softmax ?? false;
  const branches = space.branch > 0 && space.blocks.max >= 2;
  const low = solve(space, conv, softmax, true, space.layer.channels.min, space.units.min, branches);
  const high = branches
    ? null
    : solve(space, conv, softmax, false, space.layer.channels.max, space.units.max, false);
  const exact = !branches;
  return {
    convention: conv.name,
    peakRam: { min: low[0], max: high ? high[0] : null, exact },
    flash: { min: low[1], max: high ? high[1] : null, exact: exact && !conv.flatbuffer },
    macs: { min: low[2], max: high ? high[2] : null, exact },
  };
}

type Cost = [ram: number, flash: number, macs: number];

interface LayerChoice {
  readonly depthwise: boolean;
  readonly k: number;
  readonly s: number;
  readonly same: boolean;
}

/**
 * A sparse set of states with a cost triple each (ram, flash, macs), over dense state indices;
 * `reset` is O(1) (generation stamps), so a programme reuses a few of these without clearing.
 */
class CostTable {
  readonly stamp: Int32Array;
  readonly cost: Float64Array;
  readonly list: Int32Array;
  length = 0;
  private gen = 1;
  constructor(
    states: number,
    private readonly least: boolean,
  ) {
    this.stamp = new Int32Array(states);
    this.cost = new Float64Array(3 * states);
    this.list = new Int32Array(states);
  }
  reset(): void {
    this.gen++;
    this.length = 0;
  }
  has(i: number): boolean {
    return this.stamp[i] === this.gen;
  }
  /** Offers cost (ram, flash, macs) for state i, keeping the better value per metric. */
  offer(i: number, ram: number, flash: number, macs: number): void {
    const c = this.cost;
    const o = 3 * i;
    if (this.stamp[i] !== this.gen) {
      this.stamp[i] = this.gen;
      this.list[this.length++] = i;
      c[o] = ram;
      c[o + 1] = flash;
      c[o + 2] = macs;
    } else if (this.least) {
      if (ram < c[o]!) c[o] = ram;
      if (flash < c[o + 1]!) c[o + 1] = flash;
      if (macs < c[o + 2]!) c[o + 2] = macs;
    } else {
      if (ram > c[o]!) c[o] = ram;
      if (flash > c[o + 1]!) c[o + 1] = flash;
      if (macs > c[o + 2]!) c[o + 2] = macs;
    }
  }
}

/** One block's reach from a map: target states and the best (ram, flash, macs) to each. */
interface Reach {
  readonly states: Int32Array;
  readonly cost: Float64Array;
  readonly hMin: number;
  readonly wMin: number;
}

function solve(
  space: SearchSpace,
  conv: Convention,
  softmax: boolean,
  least: boolean,
  channels: number,
  units: number,
  ties: boolean,
): Cost {
  const [H0, W0, C0] = space.input as [number, number, number];
  const ab = conv.activationBytes;
  const better = (a: number, b: number): number => (least ? Math.min(a, b) : Math.max(a, b));
  const positive = <T>(xs: readonly { value: T; weight: number }[]): T[] =>
    xs.filter((x) => x.weight > 0).map((x) => x.value);
  const types = positive(space.layer.types);
  const kernels = positive(space.layer.kernels);
  const strides = positive(space.layer.strides);
  const paddings = positive(space.layer.padding);
  const choices: LayerChoice[] = [];
  for (const t of types) {
    if (t === 'conv1x1') {
      choices.push({ depthwise: false, k: 1, s: 1, same: false });
      continue;
    }
    for (const k of kernels)
      for (const s of strides)
        for (const p of paddings) choices.push({ depthwise: t === 'dwconv2d', k, s, same: p === 'same' });
  }
  const prepools: boolean[] = [];
  if (space.layer.prepool.probability < 1) prepools.push(false);
  if (space.layer.prepool.probability > 0) prepools.push(true);

  // Dense state index: spatial size (never above the input's) × channel kind
  // (0 = the network input itself, 1 = the input's channel count, 2 = `channels`).
  const states = (H0 + 1) * (W0 + 1) * 3;
  const idx = (h: number, w: number, c: number): number => (h * (W0 + 1) + w) * 3 + c;
  const hOf = (i: number): number => Math.floor(i / (3 * (W0 + 1)));
  const wOf = (i: number): number => Math.floor(i / 3) % (W0 + 1);
  const cOf = (i: number): number => i % 3;
  const chOf = (c: number): number => (c === 2 ? channels : C0);
  const bytesOf = (h: number, w: number, c: number): number =>
    c === 0 && !conv.includeInput ? 0 : h * w * chOf(c) * ab;
  const poolFlash = operatorFlash('pool', 1, 0, 0, 0, conv);

  // Every way one conv layer (with its optional pre-pool) transforms state i: target + cost.
  const moveTargets: (Int32Array | undefined)[] = new Array(states);
  const moveCosts: (Float64Array | undefined)[] = new Array(states);
  const movesOf = (i: number): void => {
    if (moveTargets[i]) return;
    const targets: number[] = [];
    const costs: number[] = [];
    for (const pre of prepools) {
      let h = hOf(i);
      let w = wOf(i);
      let c = cOf(i);
      let preRam = 0;
      let preFlash = 0;
      let preMacs = 0;
      if (pre && (h > 1 || w > 1)) {
        const ph = Math.min(space.layer.prepool.size, h);
        const pw = Math.min(space.layer.prepool.size, w);
        const ho = Math.floor(h / ph);
        const wo = Math.floor(w / pw);
        const cin = chOf(c);
        preRam = bytesOf(h, w, c) + ho * wo * cin * ab;
        preFlash = poolFlash;
        preMacs = ho * wo * cin * ph * pw;
        h = ho;
        w = wo;
        if (c === 0) c = 1;
      }
      const inBytes = bytesOf(h, w, c);
      const cin = chOf(c);
      for (const ch of choices) {
        // A kernel larger than the map is clipped (μNAS); 'same' keeps both variants. With
        // tie-ups, valid outputs use the unclipped formula (at least 1): never above the real
        // size and monotone in the input size, which the tie-up relaxation relies on.
        const fits = ch.k <= Math.min(h, w);
        const ks = fits ? [ch.k] : ch.same ? [ch.k, Math.min(h, w)] : [Math.min(h, w)];
        for (const k of ks) {
          const kShape = ties ? ch.k : k;
          const ho = ch.same ? Math.ceil(h / ch.s) : Math.max(1, Math.floor((h - kShape) / ch.s) + 1);
          const wo = ch.same ? Math.ceil(w / ch.s) : Math.max(1, Math.floor((w - kShape) / ch.s) + 1);
          const cOut = ch.depthwise ? (c === 2 ? 2 : 1) : 2;
          const cout = chOf(cOut);
          const weights = ch.depthwise ? k * k * cin : k * k * cin * cout;
          const ram = Math.max(preRam, inBytes + ho * wo * cout * ab);
          const flash =
            preFlash + operatorFlash(ch.depthwise ? 'dwconv2d' : 'conv2d', 1, weights, cout, cout, conv);
          const macs = preMacs + ho * wo * cout * k * k * (ch.depthwise ? 1 : cin);
          // Metrics are optimised independently, so moves to one target merge per metric.
          const t = idx(ho, wo, cOut);
          const at = targets.indexOf(t);
          if (at < 0) {
            targets.push(t);
            costs.push(ram, flash, macs);
          } else {
            costs[3 * at] = better(costs[3 * at]!, ram);
            costs[3 * at + 1] = better(costs[3 * at + 1]!, flash);
            costs[3 * at + 2] = better(costs[3 * at + 2]!, macs);
          }
        }
      }
    }
    moveTargets[i] = Int32Array.from(targets);
    moveCosts[i] = Float64Array.from(costs);
  };

  // Maps one block (layers.min..layers.max layers) reaches from state li, memoised per li.
  const levelA = new CostTable(states, least);
  const levelB = new CostTable(states, least);
  const reached = new CostTable(states, least);
  const reachMemo: (Reach | undefined)[] = new Array(states);
  const blockFrom = (li: number): Reach => {
    const hit = reachMemo[li];
    if (hit) return hit;
    let from = levelA;
    let to = levelB;
    from.reset();
    from.offer(li, 0, 0, 0);
    reached.reset();
    for (let l = 1; l <= space.layers.max; l++) {
      to.reset();
      for (let q = 0; q < from.length; q++) {
        const s = from.list[q]!;
        const r0 = from.cost[3 * s]!;
        const f0 = from.cost[3 * s + 1]!;
        const m0 = from.cost[3 * s + 2]!;
        movesOf(s);
        const targets = moveTargets[s]!;
        const costs = moveCosts[s]!;
        for (let m = 0; m < targets.length; m++) {
          const r = costs[3 * m]!;
          to.offer(targets[m]!, r > r0 ? r : r0, f0 + costs[3 * m + 1]!, m0 + costs[3 * m + 2]!);
        }
      }
      if (l >= space.layers.min) {
        for (let q = 0; q < to.length; q++) {
          const t = to.list[q]!;
          reached.offer(t, to.cost[3 * t]!, to.cost[3 * t + 1]!, to.cost[3 * t + 2]!);
        }
      }
      [from, to] = [to, from];
    }
    const out = new Int32Array(reached.length);
    const cost = new Float64Array(3 * reached.length);
    let hMin = Infinity;
    let wMin = Infinity;
    for (let q = 0; q < reached.length; q++) {
      const t = reached.list[q]!;
      out[q] = t;
      cost[3 * q] = reached.cost[3 * t]!;
      cost[3 * q + 1] = reached.cost[3 * t + 1]!;
      cost[3 * q + 2] = reached.cost[3 * t + 2]!;
      hMin = Math.min(hMin, hOf(t));
      wMin = Math.min(wMin, wOf(t));
    }
    const reach = { states: out, cost, hMin, wMin };
    reachMemo[li] = reach;
    return reach;
  };

  // Head: final pool, flatten, dense layers, classifier — evaluated from every state that may end the conv part.
  const classes = space.classes === 2 ? 1 : space.classes;
  const pools = space.pool.filter((p) => p.weight > 0).map((p) => p.value);
  const flattenFlash = operatorFlash('flatten', 1, 0, 0, 0, conv);
  const softmaxFlash = operatorFlash('softmax', 1, 0, 0, 0, conv);
  const best: Cost = least ? [Infinity, Infinity, Infinity] : [-Infinity, -Infinity, -Infinity];
  // The dense layers (and softmax) after a flatten of `flat` elements, best over the layer count;
  // memoised per flatten size, since many maps flatten to the same size.
  const denseMemo = new Map<number, Cost>();
  const denseHead = (flat: number): Cost => {
    const hit = denseMemo.get(flat);
    if (hit) return hit;
    const head: Cost = least ? [Infinity, Infinity, Infinity] : [-Infinity, -Infinity, -Infinity];
    for (let d = space.dense.min; d <= space.dense.max; d++) {
      let prev = flat;
      let r = 0;
      let f = 0;
      let m = 0;
      for (let j = 0; j <= d; j++) {
        const out = j < d ? units : classes;
        r = Math.max(r, (prev + out) * ab);
        f += operatorFlash('dense', 1, prev * out, out, out, conv);
        m += prev * out;
        prev = out;
      }
      if (softmax) {
        r = Math.max(r, 2 * classes * ab);
        f += softmaxFlash;
      }
      head[0] = better(head[0], r);
      head[1] = better(head[1], f);
      head[2] = better(head[2], m);
    }
    denseMemo.set(flat, head);
    return head;
  };
  const finish = (i: number, ram0: number, flash0: number, macs0: number): void => {
    const ch = chOf(cOf(i));
    for (const pool of pools) {
      let h = hOf(i);
      let w = wOf(i);
      let ram = ram0;
      let flash = flash0;
      let macs = macs0;
      if (pool) {
        const ph = Math.min(pool.size, h);
        const pw = Math.min(pool.size, w);
        const ho = Math.floor(h / ph);
        const wo = Math.floor(w / pw);
        ram = Math.max(ram, (h * w + ho * wo) * ch * ab);
        flash += poolFlash;
        macs += ho * wo * ch * ph * pw;
        h = ho;
        w = wo;
      }
      const flat = h * w * ch;
      if (conv.flatten === 'copy' && !(h === 1 && w === 1)) {
        ram = Math.max(ram, 2 * flat * ab);
        flash += flattenFlash;
      }
      const head = denseHead(flat);
      best[0] = better(best[0], Math.max(ram, head[0]));
      best[1] = better(best[1], flash + head[1]);
      best[2] = better(best[2], macs + head[2]);
    }
  };
  // Spine: states after u blocks (branch blocks count, cost nothing here and may shrink the map).
  // Three tables rotate: blocks u, u + 1 and u + 2 (a tie-up spends a block slot on its branch).
  const firstBlock = ties ? 1 : Math.max(1, space.blocks.min);
  const ring = [0, 1, 2].map(() => new CostTable(states, least));
  ring[0]!.offer(idx(H0, W0, 0), 0, 0, 0);
  for (let u = 0; u <= space.blocks.max; u++) {
    const here = ring[u % 3]!;
    const next = ring[(u + 1) % 3]!;
    const after = ring[(u + 2) % 3]!;
    if (u === 0) {
      next.reset();
      after.reset();
    } else after.reset();
    const tie = ties && u + 2 <= space.blocks.max;
    for (let q = 0; q < here.length; q++) {
      const li = here.list[q]!;
      const r0 = here.cost[3 * li]!;
      const f0 = here.cost[3 * li + 1]!;
      const m0 = here.cost[3 * li + 2]!;
      if (u >= firstBlock) finish(li, r0, f0, m0);
      if (u === space.blocks.max) continue;
      const reach = blockFrom(li);
      for (let k = 0; k < reach.states.length; k++) {
        const t = reach.states[k]!;
        const r = reach.cost[3 * k]!;
        const ram = r > r0 ? r : r0;
        const flash = f0 + reach.cost[3 * k + 1]!;
        const macs = m0 + reach.cost[3 * k + 2]!;
        next.offer(t, ram, flash, macs);
        if (tie) after.offer(idx(reach.hMin, reach.wMin, cOf(t)), ram, flash, macs);
      }
    }
  }
  if (!Number.isFinite(best[0])) return [0, 0, 0];
  return [best[0], best[1] + modelOverheadBytes(conv, operatorCodes(space, least, softmax, conv)), best[2]];
}

/** Operator codes counted in the flash bound: the two every network has, or every one it may have. */
function operatorCodes(space: SearchSpace, least: boolean, softmax: boolean, conv: Convention): number {
  if (!conv.flatbuffer) return 0;
  if (least) return 2;
  const has = (t: string): boolean => space.layer.types.some((x) => x.weight > 0 && x.value === t);
  const pools = space.pool.filter((p) => p.weight > 0 && p.value);
  let n = 2; // FULLY_CONNECTED, RESHAPE
  if (has('conv2d') || has('conv1x1')) n++;
  if (has('dwconv2d')) n++;
  if (space.layer.prepool.probability > 0 || pools.some((p) => p.value?.type === 'max')) n++;
  if (pools.some((p) => p.value?.type === 'avg')) n++;
  if (softmax) n++;
  return n;
}
