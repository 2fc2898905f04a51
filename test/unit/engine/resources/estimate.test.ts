import { describe, expect, it } from 'vitest';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { CORES } from '../../../../server/src/engine/resources/cores.js';
import { findBoard } from '../../../../server/src/engine/boards/lookup.js';
import { add, conv, dense, flatten, graphOf, maxpool, t1, t4 } from './reference-nets.js';

describe('estimate()', () => {
  it('returns plain JSON', () => {
    const e = estimate(t4(), { board: 'arduino-nano-33-ble' });
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('defaults to the tflm convention, without a target', () => {
    const e = estimate(t1());
    expect(e.convention).toBe('tflm');
    expect(e.includeInput).toBe(true);
    expect(e.target).toEqual({ board: null, core: null, clockHz: null, kernels: 'cmsis-nn' });
    expect(e.totals.cycles).toBeNull();
    expect(e.totals.latencyMs).toBeNull();
    expect(e.budget).toBeNull();
  });

  it('takes core and clock from a board (by alias too) and computes latency = cycles / clock', () => {
    const e = estimate(t4(), { board: 'STM32F746' });
    expect(e.target).toEqual({
      board: 'nucleo-f746zg',
      core: 'cortex-m7',
      clockHz: 216_000_000,
      kernels: 'cmsis-nn',
    });
    const cycles = e.layers.reduce((s, l) => s + (l.cycles ?? 0), 0);
    expect(e.totals.cycles).toBe(cycles);
    expect(e.totals.latencyMs).toBeCloseTo((cycles / 216e6) * 1000, 9);
    // Per operator: MACs × the kernel kind's cycles/MAC + overhead; the first conv is a spatial conv.
    const m7 = CORES['cortex-m7'];
    const first = e.layers.find((l) => l.op === 'conv2d')!;
    expect(first.cycles).toBe(Math.round(first.macs * m7.cyclesPerMac.conv + m7.opOverhead));
  });

  it('lets core and clock override the board', () => {
    const e = estimate(t4(), { board: 'nucleo-f746zg', core: 'cortex-m4', clockHz: 80e6 });
    expect(e.target.core).toBe('cortex-m4');
    expect(e.totals.latencyMs).toBeCloseTo((e.totals.cycles! / 80e6) * 1000, 9);
  });

  it('checks the board budget against the arena (tflm) and flash', () => {
    const e = estimate(t1(), { board: 'arduino-zero' }); // 32 KiB RAM, 256 KiB flash
    const zero = findBoard('arduino-zero')!;
    expect(e.budget!.ram).toBe(zero.ramBytes - zero.reserve.ram);
    expect(e.budget!.flashFits).toBe(false); // 405 KB of weights
    expect(e.budget!.ramFits).toBe(e.totals.arena.total <= e.budget!.ram);
  });

  it('warns about an unknown board instead of throwing', () => {
    const e = estimate(t1(), { board: 'nucleo-f999' });
    expect(e.warnings).toEqual(["unknown board 'nucleo-f999'"]);
    expect(e.target.board).toBeNull();
  });

  it('handles degenerate graphs: the input alone, an output that aliases (dropout last)', () => {
    const lone = estimate(graphOf([4, 4, 1], []), { convention: 'tflm' });
    expect(lone.totals.peakRam).toBe(0);
    expect(lone.order).toEqual([]);
    expect(lone.totals.arena.tensors).toBe(16);
    const dropped = estimate(graphOf([6], [[dense(4)], [{ kind: 'dropout', rate: 0.5 }]]), {
      convention: 'tflm',
    });
    expect(dropped.totals.peakRam).toBe(10);
    expect(dropped.layers[2]!.aliasOf).toBe(1);
  });

  it('peak tensors sum to the peak', () => {
    for (const convention of ['unas', 'tflm'] as const) {
      const e = estimate(t1(), { convention });
      expect(e.peakTensors.reduce((s, t) => s + t.bytes, 0)).toBe(e.totals.peakRam);
    }
  });

  describe('arena order', () => {
    // Two branches (see peak-ram.test.ts): the optimal order keeps one 1 024 B map live at a time.
    const g = graphOf(
      [8, 8, 1],
      [
        [conv(16, 1), [0]],
        [conv(16, 1), [0]],
        [maxpool(8), [1]],
        [maxpool(8), [2]],
        [add, [3, 4]],
        [flatten],
        [dense(2)],
      ],
    );

    it('plans the RAM-optimal order by default and the file order on request', () => {
      const best = estimate(g);
      const file = estimate(g, { order: 'file' });
      expect(best.totals.arena.order).toBe('optimal');
      expect(file.totals.arena.order).toBe('file');
      expect(best.totals.arena.tensors).toBeGreaterThanOrEqual(best.totals.peakRam);
      expect(file.totals.arena.tensors).toBeGreaterThanOrEqual(file.totals.peakRamFileOrder);
      expect(best.totals.arena.tensors).toBeLessThan(file.totals.arena.tensors);
    });

    it('accepts a custom order of node ids and rejects an invalid one with a warning', () => {
      expect(estimate(g, { order: [2, 4, 1, 3, 5, 7] }).totals.arena.order).toBe('custom');
      const bad = estimate(g, { order: [3, 1, 2, 4, 5, 7] });
      expect(bad.totals.arena.order).toBe('file');
      expect(bad.warnings[0]).toMatch(/before its input/);
    });

    it('maps a unas order onto TFLM operators (the flatten that is free in unas runs in TFLM)', () => {
      const chain = graphOf([6, 6, 1], [[conv(2, 3)], [flatten], [dense(3)]]);
      const e = estimate(chain, { convention: 'unas' });
      expect(e.order).toEqual([1, 3]); // flatten is an alias in unas
      // Either way TFLM runs conv, reshape, dense: the arena plans agree.
      expect(e.totals.arena.tensors).toBe(estimate(chain, { convention: 'tflm' }).totals.arena.tensors);
    });
  });
});
