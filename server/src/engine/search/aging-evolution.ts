import { MemberStrategy } from './member-strategy.js';
import { mutate } from './morphisms.js';
import { scalarise } from './objectives.js';
import type { Draft } from './proposal-ledger.js';
import { sampleGenotype } from './sample.js';
import type { EvaluationResult, Member, StrategyOptions, StrategySnapshot } from './strategy.js';

export interface AgingEvolutionOptions extends StrategyOptions {
  /** Population size P (μNAS: 100). */
  readonly population: number;
  /** Tournament size S, drawn with replacement (μNAS: 25). */
  readonly sample: number;
}

/**
 * Aging (regularised) evolution with μNAS's random scalarisation. Until P candidates are trained
 * or in flight, proposals are random (baselines first); then each ask draws S members with
 * replacement, picks the best under a fresh λ ~ U(0, 1] (−max_i min(m_i / b_i, 10) / λ_i, see
 * objectives.ts), and mutates it once. Each trained result joins the population and pushes out
 * the oldest; failed and rejected ones teach nothing. Asks never wait for tells: with the
 * population still empty (every initial candidate in flight), an ask samples randomly.
 * A trained member over a hard limit (an error limit, or resources without a profiler) stays in
 * the population: the scalarisation already ranks it low, and a child of it may fit.
 */
export class AgingEvolution extends MemberStrategy<AgingEvolutionOptions> {
  readonly kind = 'evolution' as const;

  constructor(options: AgingEvolutionOptions) {
    if (!(Number.isInteger(options.population) && options.population >= 1))
      throw new RangeError(`population must be a positive integer, not ${options.population}`);
    if (!(Number.isInteger(options.sample) && options.sample >= 1))
      throw new RangeError(`sample must be a positive integer, not ${options.sample}`);
    if (!options.objectives.length) throw new RangeError('aging evolution needs at least one objective');
    super(options, 'population', 'aging-evolution');
  }

  override tell(id: number, result: EvaluationResult): void {
    super.tell(id, result);
    while (this.learnt.length > this.options.population) this.learnt.shift();
  }

  /** The current population, oldest first. */
  members(): readonly Member[] {
    return this.learnt;
  }

  protected settings(): StrategySnapshot['settings'] {
    return {
      population: this.options.population,
      sample: this.options.sample,
      objectives: [...this.options.objectives],
    };
  }

  protected draft(): Draft {
    const rng = this.ledger.rng;
    const { space } = this.options;
    const initial = this.learnt.length + this.ledger.outstandingCount < this.options.population;
    if (initial || this.learnt.length === 0)
      return { genotype: sampleGenotype(space, rng), origin: 'random' };
    const parent = this.select();
    const morph = mutate(parent.genotype, space, rng);
    // A parent with no legal morph (a baseline outside the space, say) cannot breed.
    if (!morph) return { genotype: sampleGenotype(space, rng), origin: 'random' };
    return { genotype: morph.child, parent: parent.id, origin: morph.label };
  }

  /** Tournament: S members with replacement, the best under one freshly drawn scalarisation (first drawn wins ties). */
  private select(): Member {
    const rng = this.ledger.rng;
    const { normalisers, lambdas } = this.scalarisation();
    let best: Member | undefined;
    let bestFitness = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.options.sample; i++) {
      const m = this.learnt[rng.int(this.learnt.length)]!;
      const f = scalarise(m.values, normalisers, lambdas);
      if (!best || f > bestFitness) {
        best = m;
        bestFitness = f;
      }
    }
    return best!;
  }
}
