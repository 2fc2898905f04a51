import { genotypeToGraph, type Genotype } from './genotype.js';
import { excess, feasible, violations } from './objectives.js';
import { SerialisableRng } from './serialisable-rng.js';
import type {
  EvaluationResult,
  LedgerSnapshot,
  Proposal,
  StrategyOptions,
  StrategySnapshot,
  StrategyStats,
} from './strategy.js';

/** What a strategy drafts before the pre-screen: the ledger gives it an id and a verdict. */
export interface Draft {
  readonly genotype: Genotype;
  readonly parent?: number;
  readonly origin: string;
}

interface Screening {
  readonly feasible: boolean;
  readonly violations: readonly string[];
  readonly excess: number;
  readonly resources?: Proposal['resources'];
}

const DEFAULT_SCREEN_RETRIES = 32;

/**
 * The bookkeeping every strategy shares: the seeded generator, proposal ids, the outstanding
 * asks, baselines first, the pre-screen and the counters — and their part of the snapshot.
 */
export class ProposalLedger {
  rng: SerialisableRng;
  private nextId = 1;
  private baselinesIssued = 0;
  private pending = new Map<number, Proposal>();
  private counts = { asked: 0, trained: 0, failed: 0, rejected: 0, screenedOut: 0 };

  constructor(private readonly options: StrategyOptions) {
    this.rng = new SerialisableRng(options.seed >>> 0);
  }

  /**
   * The next proposal: the next baseline while any is left, otherwise `draw()` until a draft
   * passes the pre-screen (each call is a whole new draft: for evolution a fresh tournament and
   * morph). After `screenRetries` rejections the draft closest to the limits
   * (smallest max value / limit) is returned, marked infeasible, for the runner to reject.
   */
  ask(draw: () => Draft): Proposal {
    const baseline = this.options.baselines?.[this.baselinesIssued];
    if (baseline) {
      this.baselinesIssued++;
      return this.issue({ genotype: baseline, origin: 'baseline' }, this.screen(baseline), 0);
    }
    const retries = Math.max(0, this.options.screenRetries ?? DEFAULT_SCREEN_RETRIES);
    let best: { draft: Draft; screening: Screening } | undefined;
    for (let i = 0; i <= retries; i++) {
      const draft = draw();
      const screening = this.screen(draft.genotype);
      if (screening.feasible) {
        this.counts.screenedOut += i;
        return this.issue(draft, screening, i);
      }
      if (!best || screening.excess < best.screening.excess) best = { draft, screening };
    }
    this.counts.screenedOut += retries;
    return this.issue(best!.draft, best!.screening, retries);
  }

  /** Removes a told proposal from the outstanding ones; throws for an unknown or already told id. */
  settle(id: number, result: EvaluationResult): Proposal {
    const p = this.pending.get(id);
    if (!p) throw new Error(`proposal ${id} is not outstanding (unknown, or already told)`);
    if (
      result.status === 'trained' &&
      !(Number.isFinite(result.error) && result.error >= 0 && result.error <= 1)
    ) {
      throw new RangeError(`proposal ${id}: validation error ${result.error} is not a fraction in [0, 1]`);
    }
    this.pending.delete(id);
    this.counts[result.status]++;
    return p;
  }

  /** Asked and not yet told, oldest first. */
  outstanding(): Proposal[] {
    return [...this.pending.values()];
  }
  get outstandingCount(): number {
    return this.pending.size;
  }
  stats(): StrategyStats {
    return { ...this.counts, outstanding: this.pending.size };
  }

  snapshot(): LedgerSnapshot {
    return {
      rng: this.rng.state(),
      nextId: this.nextId,
      baselinesIssued: this.baselinesIssued,
      outstanding: this.outstanding(),
      stats: { ...this.counts },
    };
  }

  restore(s: LedgerSnapshot): void {
    this.rng = SerialisableRng.restore(s.rng);
    this.nextId = s.nextId;
    this.baselinesIssued = s.baselinesIssued;
    this.pending = new Map(s.outstanding.map((p) => [p.id, p]));
    this.counts = {
      asked: s.stats.asked,
      trained: s.stats.trained,
      failed: s.stats.failed,
      rejected: s.stats.rejected,
      screenedOut: s.stats.screenedOut,
    };
  }

  private issue(draft: Draft, screening: Screening, screened: number): Proposal {
    const p: Proposal = {
      id: this.nextId++,
      genotype: draft.genotype,
      ...(draft.parent !== undefined ? { parent: draft.parent } : {}),
      origin: draft.origin,
      feasible: screening.feasible,
      violations: screening.violations,
      ...(screening.resources ? { resources: screening.resources } : {}),
      screened,
    };
    this.counts.asked++;
    this.pending.set(p.id, p);
    return p;
  }

  /** Shape errors (possible only for baselines) and, with a profiler, the hard resource limits. */
  private screen(genotype: Genotype): Screening {
    const { graph, errors } = genotypeToGraph(genotype);
    if (errors.length) return { feasible: false, violations: errors, excess: Number.POSITIVE_INFINITY };
    const profiler = this.options.profiler;
    if (!profiler) return { feasible: true, violations: [], excess: 0 };
    const resources = profiler(graph);
    const cs = this.options.constraints ?? [];
    // The error is unknown before training, so only resource limits apply here.
    return {
      feasible: feasible(resources, undefined, cs),
      violations: violations(resources, undefined, cs),
      excess: excess(resources, undefined, cs),
      resources,
    };
  }
}

/** Throws unless `s` is a snapshot of `kind` taken under the same `settings`. */
/** What snapshots written before the strategies took the language's names call them (state.json of older runs). */
const LEGACY_KINDS: Readonly<Record<string, StrategySnapshot['kind']>> = {
  'aging-evolution': 'evolution',
  'random-search': 'random',
};

export function checkSnapshot(
  s: StrategySnapshot,
  kind: StrategySnapshot['kind'],
  settings: StrategySnapshot['settings'],
): void {
  if (!s || typeof s !== 'object') throw new Error('not a strategy snapshot');
  const was = LEGACY_KINDS[String(s.kind)] ?? s.kind;
  if (was !== kind) throw new Error(`snapshot is of ${String(s.kind)}, not ${kind}`);
  if (s.version !== 1) throw new Error(`snapshot version ${String(s.version)} is not supported`);
  const want = JSON.stringify(settings);
  const got = JSON.stringify(s.settings);
  if (want !== got) throw new Error(`snapshot was taken with settings ${got}, not ${want}`);
  if (!s.ledger || !Array.isArray(s.ledger.outstanding) || typeof s.ledger.nextId !== 'number')
    throw new Error('snapshot has no valid ledger');
}
