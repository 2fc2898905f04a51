import { drawLambdas, objectiveValues, resolveNormalisers } from './objectives.js';
import { checkSnapshot, ProposalLedger, type Draft } from './proposal-ledger.js';
import type {
  EvaluationResult,
  Member,
  Proposal,
  SearchStrategy,
  StrategyKind,
  StrategyOptions,
  StrategySnapshot,
  StrategyStats,
} from './strategy.js';

/**
 * What aging evolution and Bayesian optimisation share: a proposal ledger and the trained
 * candidates they learn from, kept in the snapshot under `field`. A subclass drafts proposals from
 * `learnt` and names its settings; failed and rejected results teach nothing.
 */
export abstract class MemberStrategy<O extends StrategyOptions> implements SearchStrategy {
  abstract readonly kind: StrategyKind;
  protected readonly ledger: ProposalLedger;
  /** Trained candidates with their raw objective values, in the order told. */
  protected learnt: Member[] = [];

  constructor(
    protected readonly options: O,
    /** The snapshot's field for `learnt`, and the strategy's name in restore's error. */
    private readonly field: 'population' | 'observations',
    private readonly name: string,
  ) {
    this.ledger = new ProposalLedger(options);
  }

  ask(): Proposal {
    return this.ledger.ask(() => this.draft());
  }

  tell(id: number, result: EvaluationResult): void {
    const p = this.ledger.settle(id, result);
    if (result.status !== 'trained') return;
    this.learnt.push({
      id,
      genotype: p.genotype,
      values: objectiveValues(this.options.objectives, result.error, result.resources),
    });
  }

  outstanding(): readonly Proposal[] {
    return this.ledger.outstanding();
  }
  stats(): StrategyStats {
    return this.ledger.stats();
  }

  snapshot(): StrategySnapshot {
    return {
      kind: this.kind,
      version: 1,
      settings: this.settings(),
      ledger: this.ledger.snapshot(),
      [this.field]: this.learnt.slice(),
    };
  }

  restore(s: StrategySnapshot): void {
    checkSnapshot(s, this.kind, this.settings());
    const learnt = s[this.field];
    if (!Array.isArray(learnt)) throw new Error(`${this.name} snapshot has no ${this.field}`);
    this.ledger.restore(s.ledger);
    this.learnt = learnt.slice();
  }

  /**
   * One draw of μNAS's random scalarisation: normalisers (the limits, else the medians of `learnt`)
   * and a fresh λ per objective, for `scalarise`.
   */
  protected scalarisation(): { readonly normalisers: number[]; readonly lambdas: number[] } {
    const { objectives, constraints = [] } = this.options;
    const lambdas = drawLambdas(objectives.length, this.ledger.rng);
    const normalisers = resolveNormalisers(
      objectives,
      constraints,
      this.learnt.map((m) => m.values),
    );
    return { normalisers, lambdas };
  }

  protected abstract settings(): StrategySnapshot['settings'];
  protected abstract draft(): Draft;
}
