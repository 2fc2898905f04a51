import { describe, expect, it } from 'vitest';
import { type BufferRequest, planGreedy } from '../../../../server/src/engine/resources/greedy-planner.js';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { buildMemoryGraph } from '../../../../server/src/engine/resources/memory-graph.js';
import { TFLM } from '../../../../server/src/engine/resources/conventions.js';
import { tflmArena } from '../../../../server/src/engine/resources/tflm-arena.js';
import { tflmTail } from '../../../../server/src/engine/resources/tflm-tail.js';
import { t1 } from './reference-nets.js';

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
  // Largest first: conv1@0; conv2 meets conv1 → 14 400; pool meets only conv2 → 0; reshape meets pool → 3 136;
  // input meets conv1 → 14 400; dense1 → 0; dense2 → 128; softmax → 0. Top: conv2 14 400 + 12 544 = 26 944.
  it('plans to 26 944 B, the peak working set', () => {
    const mg = buildMemoryGraph(t1(), TFLM);
    const order = Int32Array.from({ length: mg.n - 1 }, (_, i) => i + 1);
    const a = tflmArena(mg, order);
    expect(a.tensors).toBe(26944);
    expect([...a.offsets]).toEqual([14400, 0, 14400, 0, 3136, 0, 128, 0]);
  });

  it('adds CMSIS-NN scratch (im2col 2·Cin·9·2 B per 3×3 conv) and the tail estimate', () => {
    const e = estimate(t1(), { board: 'nucleo-f746zg' });
    // Scratch of conv1 2·3·9·2 = 108 → 112 B, of conv2 2·16·9·2 = 576 B, each live during its operator only:
    // the plan grows by at most the larger one.
    expect(e.totals.arena.tensors).toBe(26944);
    expect(e.totals.arena.scratch).toBeLessThanOrEqual(2 * 16 * 9 * 2 + 16);
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
});
