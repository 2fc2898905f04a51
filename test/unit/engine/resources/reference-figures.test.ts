import { describe, expect, it } from 'vitest';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { t1, t4 } from './reference-nets.js';

describe('T1 (tflite-tools example) in the unas convention', () => {
  // Counting the 3 072 B input as tflite-tools does (includeInput). Working sets, by operator:
  //   conv1  3 072 in + 30·30·16 = 14 400 out             = 17 472
  //   conv2  14 400 + 28·28·16 = 12 544                     = 26 944  ← peak
  //   pool   12 544 + 14·14·16 = 3 136                      = 15 680
  //   (flatten is free: it aliases the pool output)
  //   dense1 3 136 + 128                                    =  3 264
  //   dense2 128 + 10                                       =    138
  //   softmax 10 + 10                                       =     20
  const e = estimate(t1(), { convention: 'unas', includeInput: true });
  const ops = e.layers.filter((l) => l.ram !== null);

  it('reproduces every per-operator working set and the 26 944 B peak', () => {
    expect(ops.map((l) => [l.op, l.ram])).toEqual([
      ['conv2d', 17472],
      ['conv2d', 26944],
      ['pool', 15680],
      ['dense', 3264],
      ['dense', 138],
      ['softmax', 20],
    ]);
    expect(e.totals.peakRam).toBe(26944);
    expect(e.totals.exact).toBe(true);
    expect(e.peakTensors.map((t) => t.bytes)).toEqual([14400, 12544]);
  });

  it('reproduces the size 405 594 B (weights + biases at 1 B)', () => {
    // conv1 3·3·3·16 + 16 = 448; conv2 3·3·16·16 + 16 = 2 320; dense1 3 136·128 + 128 = 401 536;
    // dense2 128·10 + 10 = 1 290; total 405 594.
    expect(e.layers.filter((l) => l.flash > 0).map((l) => l.flash)).toEqual([448, 2320, 401536, 1290]);
    expect(e.totals.flash).toBe(405594);
    expect(e.totals.params).toBe(405594);
  });

  it('reproduces MACs 2 610 368', () => {
    // 30·30·16·27 = 388 800; 28·28·16·144 = 1 806 336; pool 14·14·16·4 = 12 544; 3 136·128 = 401 408; 128·10 = 1 280.
    expect(e.layers.filter((l) => l.macs > 0).map((l) => l.macs)).toEqual([
      388800, 1806336, 12544, 401408, 1280,
    ]);
    expect(e.totals.macs).toBe(2610368);
  });

  it('excluding the input (the μNAS default) only changes the first step', () => {
    const x = estimate(t1(), { convention: 'unas' });
    expect(x.layers.filter((l) => l.ram !== null).map((l) => l.ram)).toEqual([
      14400, 26944, 15680, 3264, 138, 20,
    ]);
  });
});

describe('T4 (DS-CNN-S) in the unas convention', () => {
  const e = estimate(t4(), { convention: 'unas' });

  it('has 22 604 parameters', () => {
    // conv 10·4·1·64 + 64 = 2 624; per block dw 9·64 + 64 = 640 and 1×1 64·64 + 64 = 4 160 → 4 × 4 800 = 19 200;
    // dense 64·12 + 12 = 780. BN and ReLU are fused: no parameters of their own.
    expect(e.totals.params).toBe(22604);
    expect(e.totals.flash).toBe(22604);
  });

  it('has 2 664 768 MACs', () => {
    // 'same' padding: conv /2 → ⌈49/2⌉×⌈10/2⌉ = 25×5×64; 25·5·64·10·4 = 320 000;
    // per block dw 25·5·64·9 = 72 000 + 1×1 25·5·64·64 = 512 000 = 584 000 (× 4); global pool 25·5·64 = 8 000; dense 64·12 = 768.
    expect(e.totals.macs).toBe(320000 + 4 * 584000 + 8000 + 768);
    expect(e.totals.macs).toBe(2664768);
  });

  it('peaks at 16 000 B: two 25×5×64 maps', () => {
    // Input excluded: the first conv holds only its 8 000 B output; every dw / 1×1 step holds 8 000 in + 8 000 out.
    expect(e.totals.peakRam).toBe(16000);
    expect(e.layers.find((l) => l.op === 'conv2d')!.ram).toBe(8000);
    // With the 490 B input counted the first step is 8 490 — the peak does not move.
    expect(estimate(t4(), { convention: 'unas', includeInput: true }).totals.peakRam).toBe(16000);
  });
});
