import type { Metric, Resources } from '../../../../protocol/src/run-events.js';
import type { ArchGraph } from '../arch/graph.js';
import type { SearchSpace } from '../arch/space.js';
import type { Genotype } from './genotype.js';
import type { Constraint } from './objectives.js';
import type { RngState } from './serialisable-rng.js';

/**
 * A search strategy proposes architectures and learns from their results, ask/tell style
 * (optuna): several asks may be outstanding at once (one per worker), results come back in any
 * order, and the whole state — random generator included — is a JSON snapshot, so a killed search
 * resumes with exactly the proposals it would have made.
 */
export interface SearchStrategy {
  readonly kind: StrategyKind;
  /** The next architecture to evaluate. Never waits for earlier proposals' results. */
  ask(): Proposal;
  /** The result of proposal `id` (each proposal is told once; unknown ids throw). */
  tell(id: number, result: EvaluationResult): void;
  /** Asked and not yet told, oldest first. */
  outstanding(): readonly Proposal[];
  stats(): StrategyStats;
  snapshot(): StrategySnapshot;
  /** Replaces the state with a snapshot taken by a strategy of the same kind and settings. */
  restore(snapshot: StrategySnapshot): void;
}

/** One StrategyKind: the language's word for it (`strategy evolution`), the config's and the snapshots'. */
export type { StrategyKind } from '../language/ast.js';
import type { StrategyKind } from '../language/ast.js';

/** An architecture to evaluate: an immutable record (it is journalled as is). */
export interface Proposal {
  readonly id: number;
  readonly genotype: Genotype;
  /** The candidate it was mutated from. */
  readonly parent?: number;
  /** The morph that produced it from its parent (`layer 2.1: filters +3`), or `random` / `baseline`. */
  readonly origin: string;
  /** Within the hard resource limits by the profiler's estimate (true when there is no profiler). */
  readonly feasible: boolean;
  /** Broken hard limits, e.g. `ram 9.1 KB > 8 KB` (or shape errors of a baseline). */
  readonly violations: readonly string[];
  /** The profiler's estimate, when there is a profiler. */
  readonly resources?: Resources;
  /** Drafts the pre-screen rejected before this one was found ("trainings saved"). */
  readonly screened: number;
}

export type EvaluationResult =
  | { readonly status: 'trained'; readonly error: number; readonly resources: Resources }
  /** Training broke (out of memory, NaN loss…): nothing is learnt, the budget is the runner's call. */
  | { readonly status: 'failed'; readonly reason?: string }
  /** Not evaluated (e.g. an infeasible best-effort proposal): nothing is learnt, no budget used. */
  | { readonly status: 'rejected'; readonly reason?: string };

/** Cheap resource figures of a graph, without training (the resource models; a stub in tests). */
export type Profiler = (graph: ArchGraph) => Resources;

export interface StrategyOptions {
  readonly space: SearchSpace;
  readonly seed: number;
  /** What to minimise jointly, e.g. error, ram, flash, macs. */
  readonly objectives: readonly Metric[];
  /** Limits in the units of Resources (see objectives.ts); hard ones screen, all of them normalise. */
  readonly constraints?: readonly Constraint[];
  /** With a profiler, proposals over a hard resource limit are redrawn before anyone trains them. */
  readonly profiler?: Profiler;
  /** Evaluated first, in order (they seed the population); never redrawn, only marked when infeasible. */
  readonly baselines?: readonly Genotype[];
  /** Redraws per ask after a pre-screen rejection (default 32); then the closest draft is returned, marked infeasible. */
  readonly screenRetries?: number;
}

export interface StrategyStats {
  readonly asked: number;
  readonly trained: number;
  readonly failed: number;
  readonly rejected: number;
  /** Drafts the pre-screen rejected inside ask(): trainings saved. */
  readonly screenedOut: number;
  readonly outstanding: number;
}

export interface LedgerSnapshot {
  readonly rng: RngState;
  readonly nextId: number;
  readonly baselinesIssued: number;
  readonly outstanding: readonly Proposal[];
  readonly stats: Omit<StrategyStats, 'outstanding'>;
}

/** A population member of aging evolution: a trained candidate and its raw objective values. */
export interface Member {
  readonly id: number;
  readonly genotype: Genotype;
  readonly values: readonly number[];
}

export interface StrategySnapshot {
  readonly kind: StrategyKind;
  readonly version: 1;
  /** The settings the state belongs to; restore refuses a snapshot taken under others. */
  readonly settings: Readonly<Record<string, number | string | readonly string[]>>;
  readonly ledger: LedgerSnapshot;
  /** Aging evolution: oldest first. */
  readonly population?: readonly Member[];
  /** Bayesian optimisation: every trained candidate, in the order told. */
  readonly observations?: readonly Member[];
}
