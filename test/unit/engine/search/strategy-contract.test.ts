import { describe, expect, it } from 'vitest';
import { AgingEvolution } from '../../../../server/src/engine/search/aging-evolution.js';
import { BayesianOptimisation } from '../../../../server/src/engine/search/bayesian-optimisation.js';
import { isShapeValid } from '../../../../server/src/engine/search/genotype.js';
import { inSpace } from '../../../../server/src/engine/search/in-space.js';
import type { Constraint } from '../../../../server/src/engine/search/objectives.js';
import { RandomSearch } from '../../../../server/src/engine/search/random-search.js';
import { sampleGenotype } from '../../../../server/src/engine/search/sample.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';
import type { SearchStrategy, StrategyOptions } from '../../../../server/src/engine/search/strategy.js';
import { describe as record, drive, SPACES, stubEvaluate, stubProfiler } from './fixtures.js';

/**
 * The contract every SearchStrategy keeps (one suite, run against each implementation):
 * ids, outstanding asks, tell bookkeeping, determinism, snapshot → restore, the pre-screen.
 */
const space = SPACES.mnist!;
const objectives = ['error', 'ram', 'flash', 'macs'] as const;
const base: StrategyOptions = { space, seed: 17, objectives };

const implementations: Record<string, (o: StrategyOptions) => SearchStrategy> = {
  AgingEvolution: (o) => new AgingEvolution({ ...o, population: 12, sample: 4 }),
  RandomSearch: (o) => new RandomSearch(o),
  BayesianOptimisation: (o) =>
    new BayesianOptimisation({ ...o, initial: 6, pool: 4, generations: 2, children: 2 }),
};

describe.each(Object.entries(implementations))('%s keeps the SearchStrategy contract', (_, make) => {
  it('hands out increasing unique ids and legal genotypes, without waiting for tells', () => {
    const s = make(base);
    const ps = Array.from({ length: 30 }, () => s.ask());
    expect(ps.map((p) => p.id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const p of ps) {
      expect(inSpace(p.genotype, space)).toBe(true);
      expect(isShapeValid(p.genotype)).toBe(true);
      expect(p.feasible).toBe(true);
    }
    expect(s.outstanding().map((p) => p.id)).toEqual(ps.map((p) => p.id));
    expect(s.stats()).toMatchObject({ asked: 30, outstanding: 30, trained: 0 });
  });

  it('takes results in any order, once each', () => {
    const s = make(base);
    const [a, b, c] = [s.ask(), s.ask(), s.ask()];
    s.tell(c!.id, stubEvaluate(c!.genotype));
    s.tell(a!.id, { status: 'failed', reason: 'oom' });
    expect(s.outstanding().map((p) => p.id)).toEqual([b!.id]);
    expect(() => s.tell(a!.id, stubEvaluate(a!.genotype))).toThrow(/not outstanding/);
    expect(() => s.tell(999, { status: 'rejected' })).toThrow(/not outstanding/);
    expect(() =>
      s.tell(b!.id, {
        status: 'trained',
        error: Number.NaN,
        resources: stubProfiler({ nodes: [], output: 0 } as never),
      }),
    ).toThrow(RangeError);
    s.tell(b!.id, { status: 'rejected' });
    expect(s.stats()).toMatchObject({ asked: 3, trained: 1, failed: 1, rejected: 1, outstanding: 0 });
  });

  it('is a function of its seed', () => {
    const x: string[] = [];
    const y: string[] = [];
    drive(make(base), 60, 3, x);
    drive(make(base), 60, 3, y);
    expect(y).toEqual(x);
    const z: string[] = [];
    drive(make({ ...base, seed: 18 }), 60, 3, z);
    expect(z).not.toEqual(x);
  });

  it('resumes from a JSON snapshot with the identical sequence, outstanding asks included', () => {
    const whole: string[] = [];
    drive(make(base), 80, 4, whole);

    const first: string[] = [];
    const s = make(base);
    drive(s, 37, 4, first);
    const json = JSON.stringify(s.snapshot());
    const resumed = make({ ...base, seed: 12345 }); // the snapshot carries the generator
    resumed.restore(JSON.parse(json));
    expect(resumed.outstanding()).toEqual(s.outstanding());
    expect(resumed.stats()).toEqual(s.stats());
    const rest: string[] = [];
    drive(resumed, 80 - 37, 4, rest, 37);
    expect([...first, ...rest]).toEqual(whole);
  });

  it('refuses a snapshot of another kind or other settings', () => {
    const s = make(base);
    s.ask();
    const other =
      s.kind === 'evolution'
        ? new RandomSearch(base)
        : new AgingEvolution({ ...base, population: 12, sample: 4 });
    expect(() => other.restore(s.snapshot())).toThrow(/snapshot is of/);
    const changed = make({ ...base, objectives: ['error', 'ram'] });
    expect(() => changed.restore(s.snapshot())).toThrow(/settings/);
  });

  it('pre-screens against hard resource limits, redraws, and counts the trainings saved', () => {
    const constraints: Constraint[] = [
      { metric: 'flash', limit: 20_000, mode: 'hard' },
      { metric: 'macs', limit: 1e9, mode: 'soft' },
    ];
    const s = make({ ...base, profiler: stubProfiler, constraints });
    const log: string[] = [];
    drive(s, 40, 2, log);
    const asked = s.outstanding();
    for (const p of asked) {
      expect(p.feasible).toBe(true);
      expect(p.resources!.flash).toBeLessThanOrEqual(20_000);
    }
    expect(s.stats().screenedOut).toBeGreaterThan(0);
    expect(log.every((l) => l.includes(':true:'))).toBe(true);
  });

  it('returns the closest draft marked infeasible when the limits cannot be met', () => {
    const constraints: Constraint[] = [{ metric: 'flash', limit: 1, mode: 'hard' }];
    const s = make({ ...base, profiler: stubProfiler, constraints, screenRetries: 5 });
    const p = s.ask();
    expect(p.feasible).toBe(false);
    expect(p.screened).toBe(5);
    expect(p.violations[0]).toMatch(/^flash .* > 1 B$/);
    expect(s.stats().screenedOut).toBe(5);
  });

  it('proposes the baselines first, in order, without redrawing them', () => {
    const rng = new SerialisableRng(1);
    const baselines = [sampleGenotype(space, rng), sampleGenotype(space, rng)];
    const s = make({
      ...base,
      baselines,
      profiler: stubProfiler,
      constraints: [{ metric: 'flash', limit: 1, mode: 'hard' }],
    });
    const [a, b] = [s.ask(), s.ask()];
    expect([a!.origin, b!.origin]).toEqual(['baseline', 'baseline']);
    expect([a!.genotype, b!.genotype]).toEqual(baselines);
    expect(a!.feasible).toBe(false);
    expect(s.ask().origin).toBe('random');
    expect(record(a!)).toMatch(/^1</);
  });
});
