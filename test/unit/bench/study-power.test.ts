import { describe, expect, it } from 'vitest';
import type { CandidateSummary } from '../../../protocol/src/run-events.js';
import {
  boundedHypervolume,
  DEFAULT_POWER_STUDY,
  studyConfig,
  VARIANT_NAMES,
} from '../../../bench/study-power.js';

describe('the search-power study', () => {
  it('states μNAS’s MNIST task in the unas convention, at equal wall time, for every variant', () => {
    const o = { ...DEFAULT_POWER_STUDY, minutes: 2.5 };
    const configs = Object.fromEntries(VARIANT_NAMES.map((v) => [v, studyConfig(v, o, 7)]));
    for (const c of Object.values(configs)) {
      expect(c.convention).toBe('unas');
      expect(c.strategy.time).toBe(150);
      expect(c.strategy.seed).toBe(7);
      expect(c.final).toEqual({ top: 2, epochs: 100, time: 1020, distinct: true });
      expect(c.dataset.augment).toEqual({ shift: 2, rotation: 10 });
      expect(c.train.schedule).toEqual({ kind: 'cosine' });
      expect(c.constraints.filter((k) => k.from === 'file').map((k) => [k.metric, k.limit])).toEqual([
        ['ram', 2500],
        ['flash', 4500],
        ['macs', 30e6],
        ['error', 0.035],
      ]);
    }
    const modes = (v: (typeof VARIANT_NAMES)[number]) =>
      configs[v]!.constraints.filter((k) => k.metric === 'ram' && k.from === 'file').map((k) => k.mode);
    expect(modes('munas')).toEqual(['soft']);
    expect(modes('all')).toEqual(['hard']);
    expect(configs['munas']!.inherit).toBeUndefined();
    expect(configs['munas']!.strategy.halving).toBeUndefined();
    expect(configs['+inherit']!.inherit).toEqual({ epochs: 2 });
    expect(configs['+halving']!.strategy.halving).toEqual({ epochs: 1, subset: 2500, keep: 0.33, rungs: 3 });
    expect(configs['all']!.inherit).toBeDefined();
    expect(configs['all']!.strategy.halving).toBeDefined();
    expect(configs['all-but-inherit']!.inherit).toBeUndefined();
    expect(configs['all-but-inherit']!.strategy.halving).toBeDefined();
    expect(modes('all-but-inherit')).toEqual(['hard']);
    expect(configs['all-error-only']!.objectives).toEqual(['error']);
    expect(configs['all']!.objectives).toEqual(['error', 'ram', 'flash', 'macs']);
  });

  it('measures hypervolume within the bounds only', () => {
    const c = (id: number, error: number, ram: number): CandidateSummary => ({
      id,
      origin: 'random',
      status: 'trained',
      error,
      resources: { ram, arena: ram, flash: 2250, macs: 15e6, latency: 1 },
      feasible: true,
      violations: [],
      model: '',
      layers: [],
    });
    // (0.1/0.2, 1250/2500, 0.5, 0.5): a box of 0.5⁴; the second is over the RAM bound.
    expect(boundedHypervolume([c(1, 0.1, 1250), c(2, 0.01, 3000)])).toBeCloseTo(0.0625, 12);
  });
});
