import type { Resources } from '../../../../protocol/src/run-events.js';
import { archFeatures } from './bayesian/arch-features.js';
import { thompsonSample, type GpOptions } from './bayesian/thompson-sample.js';
import { genotypeToGraph, type Genotype } from './genotype.js';
import { candidateKey as key, mutate } from './morphisms.js';
import { MemberStrategy } from './member-strategy.js';
import { excess, scalarise } from './objectives.js';
import type { Draft } from './proposal-ledger.js';
import { sampleGenotype } from './sample.js';
import type { Profiler, StrategyOptions, StrategySnapshot } from './strategy.js';

export interface BayesianOptions extends StrategyOptions {
  /** Random proposals before the GP takes over (trained or in flight; μNAS-style warm-up). */
  readonly initial: number;
  /**
   * Exact resource figures of a candidate for the acquisition (default: the pre-screen's profiler).
   * Without either, the acquisition scalarises the sampled error alone.
   */
  readonly estimate?: Profiler;
  /** Inner evolutionary search: survivors per generation (default 8). */
  readonly pool?: number;
  /** Generations (default 4). */
  readonly generations?: number;
  /** Morphs per survivor and generation (default 3). */
  readonly children?: number;
  readonly gp?: GpOptions;
}

interface Scored {
  readonly genotype: Genotype;
  readonly fitness: number;
  /** The observed candidate it descends from, if any. */
  readonly parent?: number;
  readonly origin: string;
}

/**
 * Bayesian optimisation as in μNAS's BO variant: a Gaussian process on validation error over
 * architectures (kernel: bayesian/arch-features.ts), Thompson sampling combined with the exactly
 * computed resources by the same random scalarisation as aging evolution (one λ ~ U(0, 1] per
 * ask), and the acquisition maximised by a small evolutionary search over morphs seeded with the
 * best observed architectures and random ones. Failed and rejected candidates teach nothing.
 * All state is the ledger plus the observations: the GP is refitted from them on every ask, so a
 * snapshot is small and a resumed search proposes exactly what the uninterrupted one would.
 */
export class BayesianOptimisation extends MemberStrategy<BayesianOptions> {
  readonly kind = 'bayesian' as const;
  private readonly featureCache = new Map<string, number[]>();

  constructor(options: BayesianOptions) {
    if (!(Number.isInteger(options.initial) && options.initial >= 2))
      throw new RangeError(`initial must be an integer of at least 2, not ${options.initial}`);
    if (!options.objectives.length)
      throw new RangeError('bayesian optimisation needs at least one objective');
    super(options, 'observations', 'bayesian');
  }

  protected settings(): StrategySnapshot['settings'] {
    const o = this.options;
    return {
      initial: o.initial,
      pool: o.pool ?? 8,
      generations: o.generations ?? 4,
      children: o.children ?? 3,
      objectives: [...o.objectives],
    };
  }

  private features(g: Genotype): number[] {
    const key = JSON.stringify(g);
    let f = this.featureCache.get(key);
    if (!f) {
      f = archFeatures(g);
      if (this.featureCache.size > 20_000) this.featureCache.clear();
      this.featureCache.set(key, f);
    }
    return f;
  }

  protected draft(): Draft {
    const rng = this.ledger.rng;
    const { space, objectives, constraints = [] } = this.options;
    const obs = this.learnt;
    const warmUp = obs.length + this.ledger.outstandingCount < this.options.initial;
    if (warmUp || obs.length < 2) return { genotype: sampleGenotype(space, rng), origin: 'random' };

    const errorAt = objectives.indexOf('error');
    const sample =
      errorAt >= 0
        ? thompsonSample(
            obs.map((m) => this.features(m.genotype)),
            obs.map((m) => m.values[errorAt]!),
            rng,
            this.options.gp,
          )
        : undefined;
    const { normalisers, lambdas } = this.scalarisation();
    const estimate = this.options.estimate ?? this.options.profiler;
    const hasHard = constraints.some((c) => c.mode === 'hard' && c.metric !== 'error');

    const fitness = (g: Genotype): number => {
      const graph = genotypeToGraph(g).graph;
      const resources: Resources | undefined = estimate?.(graph);
      const error = sample ? Math.min(1, Math.max(0, sample(this.features(g)))) : 0;
      const keep = objectives.map((m) => m === 'error' || resources !== undefined);
      const values = objectives.map((m) => (m === 'error' ? error : resources ? resources[m] : 0));
      const f = scalarise(
        values.filter((_, i) => keep[i]),
        normalisers.filter((_, i) => keep[i]),
        lambdas.filter((_, i) => keep[i]),
      );
      // Over a hard limit: ranked below every feasible candidate, the nearest first.
      if (resources && hasHard) {
        const x = excess(resources, undefined, constraints);
        if (x > 1) return -1e6 - x;
      }
      return f;
    };

    const taken = new Set([...obs, ...this.ledger.outstanding()].map((m) => key(m.genotype)));
    const byFitness = (a: Scored, b: Scored) => b.fitness - a.fitness;
    const poolSize = this.options.pool ?? 8;

    let pool: Scored[] = obs
      .map((m) => ({ genotype: m.genotype, fitness: fitness(m.genotype), parent: m.id, origin: `#${m.id}` }))
      .sort(byFitness)
      .slice(0, poolSize);
    for (let i = 0; i < poolSize; i++) {
      const g = sampleGenotype(space, rng);
      pool.push({ genotype: g, fitness: fitness(g), origin: 'random' });
    }
    const generations = this.options.generations ?? 4;
    const children = this.options.children ?? 3;
    for (let gen = 0; gen < generations; gen++) {
      const next = pool.slice();
      for (const s of pool) {
        for (let c = 0; c < children; c++) {
          const m = mutate(s.genotype, space, rng);
          if (!m) break;
          next.push({
            genotype: m.child,
            fitness: fitness(m.child),
            ...(s.parent !== undefined ? { parent: s.parent } : {}),
            origin: m.label,
          });
        }
      }
      pool = next.sort(byFitness).slice(0, poolSize * 2);
    }
    const best = pool.find((s) => !taken.has(key(s.genotype)));
    if (!best) return { genotype: sampleGenotype(space, rng), origin: 'random' };
    return {
      genotype: best.genotype,
      ...(best.parent !== undefined ? { parent: best.parent } : {}),
      origin: `thompson: ${best.origin}`,
    };
  }
}
