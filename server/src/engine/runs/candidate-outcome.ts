import type { CandidateSummary, Resources } from '../../../../protocol/src/run-events.js';
import { violations as violationsOf, type Constraint } from '../search/objectives.js';
import type { EvaluationResult, Proposal } from '../search/strategy.js';
import type { WireResult } from '../training/worker-protocol.js';

/** What the runner journals for a finished proposal, and what the strategy learns from it. */
export interface Outcome {
  readonly candidate: CandidateSummary;
  readonly result: EvaluationResult;
  /** Counts against `rounds` (trained or failed; a rejection is free). */
  readonly evaluated: boolean;
}

/** The candidate record of a training result, or of a proposal rejected before training. Pure. */
export function outcomeOf(
  p: Proposal,
  result: Exclude<WireResult, { status: 'cancelled' }> | { status: 'rejected' },
  resources: Resources,
  base: Omit<CandidateSummary, 'status' | 'feasible' | 'violations'>,
  constraints: readonly Constraint[],
): Outcome {
  if (result.status === 'trained') {
    const error = 1 - result.accuracy;
    const v = violationsOf(resources, error, constraints);
    return {
      candidate: {
        ...base,
        status: 'trained',
        error,
        feasible: v.length === 0,
        violations: v,
        trainSeconds: result.seconds,
        curve: result.curve,
        ...(result.worker ? { trainedBy: result.worker } : {}),
      },
      result: { status: 'trained', error, resources },
      evaluated: true,
    };
  }
  if (result.status === 'failed')
    return {
      candidate: {
        ...base,
        status: 'failed',
        feasible: false,
        violations: [],
        failure: result.reason,
        trainSeconds: result.seconds,
        curve: result.curve,
        ...(result.worker ? { trainedBy: result.worker } : {}),
      },
      result: { status: 'failed', reason: result.reason },
      evaluated: true,
    };
  const v = violationsOf(resources, undefined, constraints);
  const violations = v.length ? v : p.violations;
  return {
    candidate: { ...base, status: 'rejected', feasible: false, violations },
    result: { status: 'rejected', reason: violations.join('; ') },
    evaluated: false,
  };
}
