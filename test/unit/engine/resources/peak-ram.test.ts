import { describe, expect, it } from 'vitest';
import type { ArchGraph } from '../../../../server/src/engine/arch/graph.js';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { buildMemoryGraph } from '../../../../server/src/engine/resources/memory-graph.js';
import { optimalOrder, separators } from '../../../../server/src/engine/resources/peak-ram.js';
import { UNAS } from '../../../../server/src/engine/resources/conventions.js';
import { add, conv, dense, dw, flatten, globalAvg, graphOf, maxpool } from './reference-nets.js';

interface Case {
  readonly name: string;
  readonly graph: () => ArchGraph;
  /** Working set per operator in file order, unas (input excluded) and tflm (input counted, flatten copies). */
  readonly unas: readonly number[];
  readonly tflm: readonly number[];
  readonly macs: number;
}

const cases: readonly Case[] = [
  {
    // 16×16×1 → conv3·8 (14×14×8 = 1 568) → conv3·8 (12×12×8 = 1 152) → maxpool 2 (6×6×8 = 288) → flatten → dense 10.
    // unas: 1 568 | 1 568 + 1 152 = 2 720 | 1 152 + 288 = 1 440 | 288 + 10 = 298.
    // tflm: 256 + 1 568 = 1 824 | 2 720 | 1 440 | reshape copy 288 + 288 = 576 | 298.
    name: 'plain chain CNN',
    graph: () => graphOf([16, 16, 1], [[conv(8, 3)], [conv(8, 3)], [maxpool(2)], [flatten], [dense(10)]]),
    unas: [1568, 2720, 1440, 298],
    tflm: [1824, 2720, 1440, 576, 298],
    // 14·14·8·9 = 14 112; 12·12·8·72 = 82 944; 6·6·8·4 = 1 152; 288·10 = 2 880.
    macs: 14112 + 82944 + 1152 + 2880,
  },
  {
    // DS-CNN style, 'same': 10×10×3 → conv3·16 /2 (5×5×16 = 400) → dw3 (400) → 1×1·32 (800) → global avg (32) → dense 4.
    // unas: 400 | 800 | 1 200 | 832 | 36.   tflm: 300 + 400 = 700 | 800 | 1 200 | 832 | 36 (no flatten).
    name: 'depthwise-separable net',
    graph: () =>
      graphOf(
        [10, 10, 3],
        [[conv(16, 3, 2, 'same')], [dw(3, 1, 'same')], [conv(32, 1)], [globalAvg], [dense(4)]],
      ),
    unas: [400, 800, 1200, 832, 36],
    tflm: [700, 800, 1200, 832, 36],
    // 5·5·16·27 = 10 800; 5·5·16·9 = 3 600; 5·5·32·16 = 12 800; 800; 32·4 = 128.
    macs: 10800 + 3600 + 12800 + 800 + 128,
  },
  {
    // Pooling that truncates: 7×7×1 → maxpool 2 → ⌊7/2⌋ = 3×3×1 (μNAS's estimator said ⌈7/2⌉ = 4) → conv2·4 → 2×2×4
    // → maxpool 2 → 1×1×4 → flatten (free even in tflm: it keeps the last dim before a dense) → dense 3.
    // unas: 9 | 9 + 16 = 25 | 16 + 4 = 20 | 4 + 3 = 7.   tflm: 49 + 9 = 58 | 25 | 20 | 7.
    name: 'odd sizes, truncating pools',
    graph: () => graphOf([7, 7, 1], [[maxpool(2)], [conv(4, 2)], [maxpool(2)], [flatten], [dense(3)]]),
    unas: [9, 25, 20, 7],
    tflm: [58, 25, 20, 7],
    // 3·3·1·4 = 36; 2·2·4·4 = 64; 1·1·4·4 = 16; 4·3 = 12.
    macs: 36 + 64 + 16 + 12,
  },
  {
    // A 1×1 input: [1,1,4] → 1×1 conv·8 → flatten (free) → dense 3.   unas: 8 | 11.   tflm: 4 + 8 = 12 | 11.
    name: '1×1 input',
    graph: () => graphOf([1, 1, 4], [[conv(8, 1)], [flatten], [dense(3)]]),
    unas: [8, 11],
    tflm: [12, 11],
    macs: 32 + 24,
  },
  {
    // Stride larger than the kernel: 9×9×1 → conv2·2 stride 3 → ⌊(9 − 2)/3⌋ + 1 = 3 → 3×3×2 = 18 → flatten → dense 1.
    // unas: 18 | 19.   tflm: 81 + 18 = 99 | copy 36 | 19.
    name: 'stride > kernel',
    graph: () => graphOf([9, 9, 1], [[conv(2, 2, 3)], [flatten], [dense(1)]]),
    unas: [18, 19],
    tflm: [99, 36, 19],
    macs: 3 * 3 * 2 * 4 + 18,
  },
  {
    // Dense only: [20] → dense 10 → dense 5.   unas: 10 | 15.   tflm: 30 | 15.
    name: 'dense only',
    graph: () => graphOf([20], [[dense(10)], [dense(5)]]),
    unas: [10, 15],
    tflm: [30, 15],
    macs: 200 + 50,
  },
];

describe.each(cases)('$name', (c) => {
  it('has the hand-computed working sets (unas)', () => {
    const e = estimate(c.graph(), { convention: 'unas' });
    expect(e.layers.filter((l) => l.ramFileOrder !== null).map((l) => l.ramFileOrder)).toEqual(c.unas);
    expect(e.totals.peakRam).toBe(Math.max(...c.unas));
    expect(e.totals.exact).toBe(true);
  });
  it('has the hand-computed working sets (tflm)', () => {
    const e = estimate(c.graph(), { convention: 'tflm' });
    expect(e.layers.filter((l) => l.ramFileOrder !== null).map((l) => l.ramFileOrder)).toEqual(c.tflm);
    expect(e.totals.peakRam).toBe(Math.max(...c.tflm));
  });
  it('has the hand-computed MACs', () => {
    expect(estimate(c.graph()).totals.macs).toBe(c.macs);
  });
});

/**
 * Two branches from an 8×8×1 input (64 B): each a 1×1 conv to 8×8×16 (1 024 B) then an 8×8 max
 * pool to 1×1×16 (16 B); add; dense 2. The file lists both convs first.
 */
function twoBranches(): ArchGraph {
  return graphOf(
    [8, 8, 1],
    [
      [conv(16, 1), [0]], // 1: a
      [conv(16, 1), [0]], // 2: b
      [maxpool(8), [1]], // 3: a2
      [maxpool(8), [2]], // 4: b2
      [add, [3, 4]], // 5
      [flatten], // 6
      [dense(2)], // 7
    ],
  );
}

describe('a branching net where the best order beats the file order', () => {
  it('unas: file order 2 064 B, optimum 1 056 B', () => {
    // File order a, b, a2, b2: at b the live set is a (1 024) + b (1 024) = 2 048; at a2, a + b + a2 = 2 064.
    // Best order a, a2, b, b2: a 1 024 | a + a2 = 1 040 | a2 + b = 1 040 | a2 + b + b2 = 1 056 | add in place over a2: 32 | 18.
    const e = estimate(twoBranches(), { convention: 'unas' });
    expect(e.totals.peakRamFileOrder).toBe(2064);
    expect(e.totals.peakRam).toBe(1056);
    expect(e.order).toEqual([1, 3, 2, 4, 5, 7]);
    expect(e.layers.map((l) => l.ram)).toEqual([null, 1024, 1040, 1040, 1056, 32, null, 18]);
    expect(e.peakNode).toBe(4);
    expect(e.peakTensors.map((t) => [t.name, t.bytes])).toEqual([
      ['conv2d_1', 1024],
      ['maxpool_0', 16],
      ['maxpool_1', 16],
    ]);
  });

  it('tflm: the input counts, the add is not in place — file 2 112 B, optimum 1 104 B', () => {
    // File: a 64 + 1 024 = 1 088 | b 64 + 2 048 = 2 112 | a2 2 064 | b2 1 056 | add 48 | (flatten of 1×1×16 before dense: removed) 18.
    // Best: a 1 088 | a2 64 + 1 024 + 16 = 1 104 | b 64 + 16 + 1 024 = 1 104 | b2 1 056 | add 16 + 16 + 16 = 48 | 18.
    const e = estimate(twoBranches(), { convention: 'tflm' });
    expect(e.totals.peakRamFileOrder).toBe(2112);
    expect(e.totals.peakRam).toBe(1104);
    expect(e.layers.find((l) => l.op === 'add')!.ram).toBe(48);
  });

  it('cuts the graph at separators and searches only the branching piece', () => {
    const mg = buildMemoryGraph(twoBranches(), UNAS);
    // Tensors: 0 input, 1 a, 2 b, 3 a2, 4 b2, 5 add, 6 dense (the flatten aliases the add).
    expect(separators(mg)).toEqual([0, 5, 6]);
    const best = optimalOrder(mg);
    expect(best.exact).toBe(true);
    expect(best.states).toBeGreaterThan(0);
  });
});

describe('chains', () => {
  // Speed is measured in bench/resources.ts; here: no search state at all, whatever the length.
  it('are solved without search', () => {
    const steps: Parameters<typeof graphOf>[1][number][] = [];
    for (let i = 0; i < 2000; i++) steps.push([conv(4, 1)]);
    const mg = buildMemoryGraph(graphOf([2, 2, 4], steps), UNAS);
    const best = optimalOrder(mg);
    expect(best.states).toBe(0);
    expect(best.peak).toBe(32);
  });
});

describe('graphs too wide for the exact search', () => {
  // k parallel 1×1 convs of the input, each pooled, all added: the search space grows as 3^k.
  function wide(k: number): ArchGraph {
    const steps: Parameters<typeof graphOf>[1][number][] = [];
    for (let i = 0; i < k; i++) steps.push([conv(8 + i, 1), [0]]);
    for (let i = 0; i < k; i++) steps.push([conv(4, 1), [1 + i]]);
    steps.push([add, Array.from({ length: k }, (_, i) => 1 + k + i)]);
    return graphOf([4, 4, 2], steps);
  }

  it('fall back to a heuristic order, reported as an upper bound with a lower bound', () => {
    // 8 branches of 2 operators: 3^8 = 6 561 states in full, capped here at 50.
    const g = wide(8);
    const capped = estimate(g, { convention: 'unas', maxStates: 50 });
    expect(capped.totals.exact).toBe(false);
    expect(capped.totals.peakRam).toBeGreaterThanOrEqual(capped.totals.peakRamLowerBound);
    expect(capped.totals.peakRam).toBeLessThanOrEqual(capped.totals.peakRamFileOrder);
    const full = estimate(g, { convention: 'unas' });
    expect(full.totals.exact).toBe(true);
    expect(capped.totals.peakRam).toBeGreaterThanOrEqual(full.totals.peakRam);
    expect(capped.totals.peakRamLowerBound).toBeLessThanOrEqual(full.totals.peakRam);
  });

  it('wider than 30 operators in one piece: heuristic, still a valid order', () => {
    const e = estimate(wide(16), { convention: 'tflm' });
    expect(e.totals.exact).toBe(false);
    expect(new Set(e.order).size).toBe(e.order.length);
    expect(e.totals.peakRam).toBeLessThanOrEqual(e.totals.peakRamFileOrder);
  });
});
