import { describe, expect, it } from 'vitest';
import type { Resources } from '../../../../protocol/src/run-events.js';
import {
  AgingEvolution,
  type AgingEvolutionOptions,
} from '../../../../server/src/engine/search/aging-evolution.js';
import { drive, SPACES, stubEvaluate } from './fixtures.js';

const options: AgingEvolutionOptions = {
  space: SPACES.mnist!,
  seed: 5,
  objectives: ['error', 'ram', 'flash', 'macs'],
  population: 10,
  sample: 3,
};
const resources = (x: number): Resources => ({ ram: x, arena: x, flash: x, macs: x, latency: x });

describe('AgingEvolution', () => {
  it('replays a 300-step run exactly, and resumes exactly from a snapshot taken at any point', () => {
    const whole: string[] = [];
    drive(new AgingEvolution(options), 300, 3, whole);
    expect(whole.filter((l) => !l.includes(':random:')).length).toBeGreaterThan(250);
    for (const cut of [1, 10, 11, 99, 250]) {
      const first: string[] = [];
      const s = new AgingEvolution(options);
      drive(s, cut, 3, first);
      const resumed = new AgingEvolution(options);
      resumed.restore(JSON.parse(JSON.stringify(s.snapshot())));
      const rest: string[] = [];
      drive(resumed, 300 - cut, 3, rest, cut);
      expect([...first, ...rest]).toEqual(whole);
    }
  });

  it('starts with P random proposals, then mutates members of a population that ages', () => {
    const s = new AgingEvolution(options);
    const first = Array.from({ length: 10 }, () => s.ask());
    expect(first.every((p) => p.origin === 'random' && p.parent === undefined)).toBe(true);
    // All P in flight and none back yet: nothing to mutate, so still random.
    expect(s.ask().origin).toBe('random');
    for (const p of s.outstanding()) s.tell(p.id, stubEvaluate(p.genotype));
    expect(s.members().map((m) => m.id)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const child = s.ask();
    expect(child.origin).not.toBe('random');
    expect(s.members().map((m) => m.id)).toContain(child.parent);
    s.tell(child.id, stubEvaluate(child.genotype));
    expect(s.members().map((m) => m.id)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('refills the initial population when candidates fail or are rejected', () => {
    const s = new AgingEvolution({ ...options, population: 3 });
    const [a, b, c] = [s.ask(), s.ask(), s.ask()];
    s.tell(a!.id, { status: 'failed' });
    s.tell(b!.id, { status: 'rejected' });
    s.tell(c!.id, stubEvaluate(c!.genotype));
    expect(s.members().length).toBe(1);
    // 1 member + 0 outstanding < 3: random again, twice, then mutation.
    expect([s.ask().origin, s.ask().origin]).toEqual(['random', 'random']);
    expect(s.ask().origin).not.toBe('random');
  });

  it('picks the parent that wins under every scalarisation when one member dominates', () => {
    const s = new AgingEvolution({ ...options, population: 5, sample: 40 });
    const ps = Array.from({ length: 5 }, () => s.ask());
    ps.forEach((p, i) =>
      s.tell(p.id, {
        status: 'trained',
        error: i === 2 ? 0.01 : 0.5 + i / 10,
        resources: resources(i === 2 ? 10 : 1000 + i),
      }),
    );
    const parents = Array.from({ length: 20 }, () => s.ask().parent);
    expect(new Set(parents)).toEqual(new Set([ps[2]!.id]));
  });

  it('draws a fresh scalarisation per selection: on a two-point trade-off both ends get picked', () => {
    const s = new AgingEvolution({
      ...options,
      objectives: ['error', 'flash'],
      constraints: [
        { metric: 'flash', limit: 1000, mode: 'soft' },
        { metric: 'error', limit: 0.1, mode: 'soft' },
      ],
      population: 2,
      sample: 8,
    });
    const [a, b] = [s.ask(), s.ask()];
    s.tell(a!.id, { status: 'trained', error: 0.05, resources: resources(2000) }); // accurate, big
    s.tell(b!.id, { status: 'trained', error: 0.2, resources: resources(500) }); // small, inaccurate
    const parents = Array.from({ length: 60 }, () => s.ask().parent);
    const share = parents.filter((p) => p === a!.id).length / parents.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.8);
  });

  it('beats random search on the stub problem', () => {
    const best = (kind: 'evolution' | 'random') => {
      const s = new AgingEvolution({
        ...options,
        objectives: ['error'],
        population: kind === 'random' ? 10_000 : 20,
        sample: 5,
        seed: 8,
      });
      let min = 1;
      for (let i = 0; i < 200; i++) {
        const p = s.ask();
        const r = stubEvaluate(p.genotype);
        if (r.status === 'trained') min = Math.min(min, r.error);
        s.tell(p.id, r);
      }
      return min;
    };
    expect(best('evolution')).toBeLessThan(best('random'));
  });

  it('rejects settings it cannot run', () => {
    expect(() => new AgingEvolution({ ...options, population: 0 })).toThrow(RangeError);
    expect(() => new AgingEvolution({ ...options, sample: 1.5 })).toThrow(RangeError);
    expect(() => new AgingEvolution({ ...options, objectives: [] })).toThrow(RangeError);
  });
});
