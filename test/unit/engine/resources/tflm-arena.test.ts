import { describe, expect, it } from 'vitest';
import { type BufferRequest, planGreedy } from '../../../../server/src/engine/resources/greedy-planner.js';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { buildMemoryGraph } from '../../../../server/src/engine/resources/memory-graph.js';
import { TFLM } from '../../../../server/src/engine/resources/conventions.js';
import { tflmArena } from '../../../../server/src/engine/resources/tflm-arena.js';
import { TFLM_TAIL_HOST64, tflmTail } from '../../../../server/src/engine/resources/tflm-tail.js';
import { GraphBuilder } from '../../../../server/src/engine/arch/builder.js';
import { conv, t1 } from './reference-nets.js';

const req = (size: number, first: number, last: number): BufferRequest => ({ size, first, last });

function overlapping(rs: readonly BufferRequest[], offsets: Int32Array): boolean {
  for (let i = 0; i < rs.length; i++) {
    for (let j = i + 1; j < rs.length; j++) {
      const a = rs[i]!;
      const b = rs[j]!;
      const inTime = !(a.first > b.last || b.first > a.last);
      const inSpace = offsets[i]! < offsets[j]! + b.size && offsets[j]! < offsets[i]! + a.size;
      if (inTime && inSpace) return true;
    }
  }
  return false;
}

// The expectations of tflite-micro's greedy_memory_planner_test.cc.
describe('planGreedy reproduces TFLM GreedyMemoryPlanner', () => {
  it('basics: two buffers at different times share offset 0 (arena 20)', () => {
    const p = planGreedy([req(10, 0, 1), req(20, 2, 3)]);
    expect([...p.offsets]).toEqual([0, 0]);
    expect(p.bytes).toBe(20);
  });

  it('medium: offsets 50, 70, 40, 0, 0 (arena 90)', () => {
    // Largest first: 50 [0,1] at 0; 40 [3,4] meets nothing → 0; 30 [2,3] meets 40 → 40;
    // 20 [1,2] meets 50 (0..50) and 30 (40..70) → 70; 10 [0,1] meets 50 and 20 → the 50..70 gap.
    const p = planGreedy([req(10, 0, 1), req(20, 1, 2), req(30, 2, 3), req(40, 3, 4), req(50, 0, 1)]);
    expect([...p.offsets]).toEqual([50, 70, 40, 0, 0]);
    expect(p.bytes).toBe(90);
  });

  it('overlap case: arena 120', () => {
    expect(planGreedy([req(100, 0, 1), req(50, 2, 3), req(20, 1, 2)]).bytes).toBe(120);
  });

  // Hand-traced from greedy_memory_planner.cc: the sort array is filled from the tail, so equal sizes
  // are placed latest-added first — D, C, B, A here. D@0; C [0,0] meets D → 16; B [1,2] meets D → 16;
  // A [2,3] meets only B (16..32), and the gap below it fits → 0. Arena 32. (Placed A, B, C, D, the
  // last one, D [0,1], would meet C@0 and B@16 and land at 32: arena 48.)
  it('equal sizes: the buffer added last is placed first', () => {
    const p = planGreedy([req(16, 2, 3), req(16, 1, 2), req(16, 0, 0), req(16, 0, 1)]);
    expect([...p.offsets]).toEqual([0, 16, 16, 0]);
    expect(p.bytes).toBe(32);
  });

  it('equal sizes and disjoint lifetimes: everything at offset 0', () => {
    const p = planGreedy([req(32, 0, 0), req(32, 1, 1), req(32, 2, 2)]);
    expect([...p.offsets]).toEqual([0, 0, 0]);
    expect(p.bytes).toBe(32);
  });

  it('person detection model buffers: no overlaps, well under the 241 027 B sum', () => {
    const sizes = [
      9216, 3, 256, 2304, 2304, 2304, 1152, 4608, 4608, 4608, 4608, 4608, 4608, 4608, 4608, 4608, 4608, 4608,
      2304, 9216, 9216, 9216, 4608, 18432, 18432, 18432, 9216, 36864, 18432, 18432,
    ];
    const times = [
      [0, 29],
      [28, 29],
      [27, 28],
      [26, 27],
      [25, 26],
      [24, 25],
      [23, 24],
      [22, 23],
      [21, 22],
      [20, 21],
      [19, 20],
      [18, 19],
      [17, 18],
      [16, 17],
      [15, 16],
      [14, 15],
      [13, 14],
      [12, 13],
      [11, 12],
      [10, 11],
      [9, 10],
      [8, 9],
      [7, 8],
      [6, 7],
      [5, 6],
      [4, 5],
      [3, 4],
      [2, 3],
      [1, 2],
      [0, 1],
    ];
    const rs = sizes.map((s, i) => req(s, times[i]![0]!, times[i]![1]!));
    const p = planGreedy(rs);
    expect(overlapping(rs, p.offsets)).toBe(false);
    expect(p.bytes).toBeLessThan(241027);
  });
});

describe('the T1 arena', () => {
  // tflm lifetimes (op p runs in scope p + 1): input 3 072 [0,1]; conv1 14 400 [1,2]; conv2 12 544 [2,3];
  // pool 3 136 [3,4]; reshape 3 136 [4,5]; dense1 128 [5,6]; dense2 10→16 [6,7]; softmax 10→16 [7,7].
  // Largest first, equal sizes latest-added first: conv1@0; conv2 meets conv1 → 14 400; reshape (added after
  // pool) meets nothing placed → 0; pool meets reshape and conv2 → 3 136; input meets conv1 → 14 400;
  // dense1 meets reshape → 3 136; softmax (added after dense2) → 0; dense2 meets softmax → 16.
  // Top: conv2 14 400 + 12 544 = 26 944.
  it('plans to 26 944 B, the peak working set', () => {
    const mg = buildMemoryGraph(t1(), TFLM);
    const order = Int32Array.from({ length: mg.n - 1 }, (_, i) => i + 1);
    const a = tflmArena(mg, order);
    expect(a.tensors).toBe(26944);
    expect([...a.offsets]).toEqual([14400, 0, 14400, 3136, 0, 3136, 16, 0]);
  });

  // Scratch requests follow every tensor: conv1's im2col 2·3·9·2 = 108 → 112 B [1,1], conv2's 2·16·9·2 = 576 B
  // [2,2]. Sorted: conv1, conv2, reshape, pool, input, then conv2's scratch (576): it meets conv1 (0..14 400)
  // and conv2 (14 400..26 944) → 26 944; conv1's scratch meets conv1 and the input (14 400..17 472) → 17 472.
  // The plan grows to 27 520: scratch 576 B.
  it('adds CMSIS-NN scratch (im2col 2·Cin·9·2 B per 3×3 conv) and the tail estimate', () => {
    const e = estimate(t1(), { board: 'nucleo-f746zg' });
    expect(e.target.kernels).toBe('cmsis-nn');
    expect(e.totals.arena.tensors).toBe(26944);
    expect(e.totals.arena.scratch).toBe(576);
    expect(e.totals.arena.tail).toBe(tflmTail(t1(), TFLM).bytes);
    expect(e.totals.arena.total).toBe(e.totals.arena.tensors + e.totals.arena.scratch + e.totals.arena.tail);
  });

  it('estimates the tail from tensors, operators and kernel data', () => {
    // 7 operators (2 conv, pool, reshape, 2 dense, softmax); tensors: input + 7 outputs + 2·2 conv + 1 shape + 2·2 dense = 17.
    // 512 + 17·12 + 7·32 + conv 2·(96 + 8·16) + pool 48 + reshape 32 + dense 2·96 + softmax 64 = 1 724.
    const tail = tflmTail(t1(), TFLM);
    expect(tail.tensors).toBe(17);
    expect(tail.operators).toBe(7);
    expect(tail.bytes).toBe(512 + 17 * 12 + 7 * 32 + 2 * (96 + 8 * 16) + 48 + 32 + 2 * 96 + 64);
  });

  it('counts the per-input scale and zero-point buffers an int8 concatenation keeps', () => {
    // input → two 1×1 convs of 2 filters → concat: 8 tensors (input; per conv its output, weights, bias;
    // the concat's output), 3 operators; OpData 2·(96 + 8·2) for the convs, 32 + 2·16 (4·2 B each,
    // aligned to 16) for the concat.
    const b = new GraphBuilder([4, 4, 1]);
    b.add({ kind: 'concat' }, [b.add(conv(2, 1), [0])!, b.add(conv(2, 1), [0])!]);
    expect(tflmTail(b.build(), TFLM).bytes).toBe(512 + 8 * 12 + 3 * 32 + 2 * (96 + 8 * 2) + 32 + 2 * 16);
  });

  it('gives a 64-bit host figure: pointers double in TFLM structs, reference kernels (no CMSIS-NN scratch)', () => {
    // 24 B per TfLiteEvalTensor, 64 B per NodeAndRegistration, +16 B per conv / dense / other OpData,
    // +32 B softmax, +160 B fixed.
    const host = tflmTail(t1(), TFLM, TFLM_TAIL_HOST64);
    expect(host.bytes).toBe(672 + 17 * 24 + 7 * 64 + 2 * (112 + 8 * 16) + 48 + 48 + 2 * 112 + 96);
    const e = estimate(t1(), { board: 'nucleo-f746zg' });
    expect(e.totals.arena.host64).toEqual({ scratch: 0, tail: host.bytes, total: 26944 + host.bytes });
    expect(e.totals.arena.host64.total).toBeGreaterThan(e.totals.arena.total);
  });
});

describe('TFLM lifetimes (micro_allocation_info.cc)', () => {
  // input 4×4×1 → conv1x1 1 → add(input, conv): three 16 B tensors. Scopes: input [0,2] (read by the add
  // in scope 2), conv [1,2], add [2,2] (the output lives to the last scope). The add is an in-place
  // candidate — μNAS would accumulate into the conv's buffer — but TFLM's lifetimes are inclusive at
  // both ends, so the output meets both inputs in scope 2. Placed add, conv, input (equal sizes, latest
  // first): 0, 16, 32 → 48 B, where the μNAS working set is 32 B.
  it('an add never reuses the buffer of an input it is the last reader of', () => {
    const b = new GraphBuilder([4, 4, 1]);
    b.add({ kind: 'add' }, [0, b.add(conv(1, 1))!]);
    const graph = b.build();
    const mg = buildMemoryGraph(graph, TFLM);
    const a = tflmArena(mg, [1, 2]);
    expect([...a.offsets]).toEqual([32, 16, 0]);
    expect(a.tensors).toBe(48);
    expect(estimate(graph, { convention: 'unas', includeInput: true }).totals.peakRam).toBe(32);
  });

  // input 4×4×2 (32 B) → global pooling → 2 values (16 B). REDUCE_MAX asks for 4·4 B (the input's dims)
  // and 4·2 B (the axes), two buffers of 16 B in scope 1 whatever the kernel library; MEAN for 4·2 B of
  // int32 sums. Placed input@0, then the 16 B buffers latest-added first: scratch 2 → 32, scratch 1 → 48,
  // output → 64 (REDUCE_MAX: 80 B, 32 B of scratch); MEAN: scratch → 32, output → 48 (64 B, 16 B).
  it('scratch requests: REDUCE_MAX two buffers, MEAN one, each its own planner buffer', () => {
    for (const [type, scratch] of [
      ['max', 32],
      ['avg', 16],
    ] as const) {
      const b = new GraphBuilder([4, 4, 2]);
      b.add({ kind: 'global-pool', type });
      for (const kernels of ['reference', 'cmsis-nn'] as const) {
        const e = estimate(b.build(), { kernels });
        expect(e.totals.arena.tensors).toBe(48);
        expect(e.totals.arena.scratch).toBe(scratch);
      }
    }
  });

  it('reference kernels request no CMSIS-NN scratch: the default off Arm cores, or asked for', () => {
    expect(estimate(t1(), { board: 'nucleo-f746zg', kernels: 'reference' }).totals.arena.scratch).toBe(0);
    const esp = estimate(t1(), { core: 'xtensa-lx7' });
    expect(esp.target.kernels).toBe('reference');
    expect(esp.totals.arena.scratch).toBe(0);
    // An average pool: CMSIS-NN's buffer on DSP cores only.
    const b = new GraphBuilder([8, 8, 4]);
    b.add({ kind: 'pool', type: 'avg', size: [2, 2], stride: [2, 2], padding: 'valid' });
    expect(estimate(b.build(), { core: 'cortex-m4' }).totals.arena.scratch).toBeGreaterThan(0);
    expect(estimate(b.build(), { core: 'cortex-m0plus' }).totals.arena.scratch).toBe(0);
    expect(estimate(b.build(), { core: 'cortex-m4', kernels: 'reference' }).totals.arena.scratch).toBe(0);
  });

  // input 4×4×1 (16 B) → conv1x1 4 relu (c, 64 B) → batch norm (64 B: not fused after a ReLU) →
  // MEAN (16) ‖ REDUCE_MAX of c (16) → concat (16). The batch norm runs as MUL then ADD, whose 64 B
  // intermediate lives in scopes [2, 3], while c lives to REDUCE_MAX in scope 5: in scope 3 c, the
  // intermediate and the batch norm's output are all live. Requests input, c, mid, bn, g1, g2, concat;
  // placed bn@0, mid@64, c@128, concat@0, g2@16, g1@64, input@0 → 192 B. Counted as one operator the
  // plan would be 144 B.
  it('an unfused batch norm is two operators with an intermediate tensor between them', () => {
    const b = new GraphBuilder([4, 4, 1]);
    const c = b.add(conv(4, 1, 1, 'valid', 'relu'))!;
    const bn = b.add({ kind: 'batchnorm' })!;
    const g1 = b.add({ kind: 'global-pool', type: 'avg' }, [bn])!;
    const g2 = b.add({ kind: 'global-pool', type: 'max' }, [c])!;
    b.add({ kind: 'concat' }, [g1, g2]);
    const graph = b.build();
    expect(graph.nodes.map((n) => n.op.kind)).toEqual([
      'input',
      'conv2d',
      'batchnorm',
      'global-pool',
      'global-pool',
      'concat',
    ]);
    const mg = buildMemoryGraph(graph, TFLM);
    const split = tflmArena(mg, [1, 2, 3, 4, 5], undefined, [0, 0, 1, 0, 0, 0]);
    expect(split.tensors).toBe(192);
    expect([...split.offsets]).toEqual([0, 128, 0, 64, 16, 0]);
    expect(tflmArena(mg, [1, 2, 3, 4, 5]).tensors).toBe(144);
    expect(estimate(graph, { order: 'file' }).totals.arena.tensors).toBe(192);
  });
});
