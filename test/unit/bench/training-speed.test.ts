import { describe, expect, it } from 'vitest';
import { benchTrainingProfile } from '../../../bench/training-profile.js';
import { benchTrainingSpeed } from '../../../bench/training-speed.js';

// The benchmarks run in `npm run bench`; here only that they run end to end on tiny batches (no timing
// asserted). PyTorch is optional: where /usr/bin/python3 has torch, every network must train there too.
describe('bench training-speed and training-profile', () => {
  it('trains the reference and 20 μNAS networks on wasm, and on PyTorch when it is installed', async () => {
    const r = await benchTrainingSpeed({ batch: 4, warmup: 0, steps: 1, rounds: 1 });
    const networks = [r.reference, ...(r.networks as unknown[])] as Record<string, unknown>[];
    expect(networks).toHaveLength(21);
    const torch = typeof r.torch === 'string';
    if (!torch) expect(r.torch).toMatchObject({ unavailable: expect.any(String) });
    for (const n of networks) {
      expect(n.wasmSamplesPerSec, String(n.name)).toBeGreaterThan(0);
      if (torch) expect(n.torchSamplesPerSec, String(n.name)).toBeGreaterThan(0);
    }
  });

  it('breaks a training step down by kernel', async () => {
    const r = await benchTrainingProfile({ batch: 4, networks: 2 });
    const reference = r.reference as Record<string, string>;
    expect(reference.total).toMatch(/ms$/);
    expect(Object.keys(reference)).toContain('Conv2DBackpropFilter');
    expect(Object.keys(r.munasTop3 as object)).toEqual(['munas-1', 'munas-2']);
  });
});
