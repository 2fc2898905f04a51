import { checkSnapshot, ProposalLedger } from './proposal-ledger.js';
import { sampleGenotype } from './sample.js';
import type {
  EvaluationResult,
  Proposal,
  SearchStrategy,
  StrategyOptions,
  StrategySnapshot,
  StrategyStats,
} from './strategy.js';

/** Random search on the same budget: the baseline a search strategy has to beat. Baselines first, then independent samples. */
export class RandomSearch implements SearchStrategy {
  readonly kind = 'random' as const;
  private readonly ledger: ProposalLedger;

  constructor(private readonly options: StrategyOptions) {
    this.ledger = new ProposalLedger(options);
  }

  ask(): Proposal {
    return this.ledger.ask(() => ({
      genotype: sampleGenotype(this.options.space, this.ledger.rng),
      origin: 'random',
    }));
  }

  tell(id: number, result: EvaluationResult): void {
    this.ledger.settle(id, result);
  }

  outstanding(): readonly Proposal[] {
    return this.ledger.outstanding();
  }
  stats(): StrategyStats {
    return this.ledger.stats();
  }

  snapshot(): StrategySnapshot {
    return { kind: this.kind, version: 1, settings: this.settings(), ledger: this.ledger.snapshot() };
  }

  restore(s: StrategySnapshot): void {
    checkSnapshot(s, this.kind, this.settings());
    this.ledger.restore(s.ledger);
  }

  private settings(): StrategySnapshot['settings'] {
    return { objectives: [...this.options.objectives] };
  }
}
