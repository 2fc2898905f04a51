import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StrategySnapshot } from '../../../../server/src/engine/search/strategy.js';
import type { Evaluator } from '../../../../server/src/engine/runs/evaluator.js';
import { runTiny, stubEvaluator, tinyConfig } from './runner-support.js';

/** The stub, plus a weights folder per trained job (the runner only inherits from weights on disk). */
function savingEvaluator(): Evaluator & { jobs: ReturnType<typeof stubEvaluator>['jobs'] } {
  const stub = stubEvaluator();
  return {
    ...stub,
    train: async (job, onEpoch) => {
      const r = await stub.train(job, onEpoch);
      if (job.saveTo) {
        mkdirSync(job.saveTo, { recursive: true });
        writeFileSync(join(job.saveTo, 'model.json'), '{}');
      }
      return r;
    },
  };
}

describe('weight inheritance in a search', () => {
  it('children of trained parents start from their weights and train `inherit` epochs', async () => {
    const base = tinyConfig({ search: 'inherit { epochs 1 }' });
    const config = { ...base, strategy: { ...base.strategy, rounds: 20 } };
    expect(config.inherit).toEqual({ epochs: 1 });
    const r = await runTiny(config, { evaluator: savingEvaluator() });
    const inherited = r.jobs.filter((j) => j.inherit);
    expect(inherited.length).toBeGreaterThan(3);
    for (const j of inherited) {
      const c = r.finished.find((x) => x.id === j.id)!;
      expect(c.inheritedFrom).toBe(c.parent);
      expect(j.inherit!.from).toBe(join(r.dir, 'weights', String(c.parent)));
      expect(j.train.epochs).toBe(1);
      expect(j.inherit!.pairs.length).toBeGreaterThan(0);
    }
    // Random initial candidates train fully, from scratch.
    const scratch = r.jobs.filter((j) => !j.inherit);
    expect(scratch.every((j) => j.train.epochs === 3)).toBe(true);
    expect(r.finished.filter((c) => c.origin === 'random').every((c) => c.inheritedFrom === undefined)).toBe(
      true,
    );
    // Weights stay on disk for the population (possible parents) and the front.
    const state = JSON.parse(readFileSync(join(r.dir, 'state.json'), 'utf8')) as {
      strategy: StrategySnapshot;
    };
    const kept = new Set(readdirSync(join(r.dir, 'weights')).map(Number));
    for (const m of state.strategy.population!) expect(kept.has(m.id)).toBe(true);
    for (const c of r.summary.front) expect(kept.has(c.id)).toBe(true);
    // …and only for them: members that aged out were pruned.
    const population = new Set(state.strategy.population!.map((m) => m.id));
    const front = new Set(r.summary.front.map((c) => c.id));
    expect([...kept].every((id) => population.has(id) || front.has(id))).toBe(true);
    expect(kept.size).toBeLessThan(r.jobs.length);
  });

  it('trains from scratch when the parent has no weights on disk', async () => {
    const r = await runTiny(tinyConfig({ search: 'inherit { epochs 1 }' }));
    expect(r.jobs.some((j) => j.inherit)).toBe(false);
    expect(r.jobs.every((j) => j.train.epochs === 3)).toBe(true);
  });
});
