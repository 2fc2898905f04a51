import type { CandidateSummary, RunEvent } from '../../../../protocol/src/run-events.js';
import type { EvaluationResult, Proposal, SearchStrategy, StrategySnapshot } from '../search/strategy.js';
import type { LoadedRun } from './run-store.js';

/** What a run folder says about a search so far. */
export interface Replayed {
  /** The latest summary of every finished candidate (with its test error once the final phase measured it). */
  readonly candidates: Map<number, CandidateSummary>;
  /** Ids whose results the strategy has learnt. */
  readonly told: Set<number>;
  /** Candidates trained or failed. */
  readonly evaluated: number;
  /** Proposals that were training when the run stopped: they train again, identically. */
  readonly pending: Proposal[];
  /** Wall time the earlier sessions spent (for `time` budgets). */
  readonly elapsedSeconds: number;
}

/**
 * Resume: restores the strategy's snapshot, then tells it every result journalled after the
 * snapshot (the journal is written first, so it is the truth). `onTrained` sees each search-phase
 * result once, in journal order, so the caller can rebuild its front.
 */
export function replayRun(
  run: LoadedRun | undefined,
  strategy: SearchStrategy,
  onResult: (c: CandidateSummary) => void,
): Replayed {
  const candidates = new Map<number, CandidateSummary>();
  const told = new Set<number>();
  let evaluated = 0;
  if (!run) return { candidates, told, evaluated, pending: [], elapsedSeconds: 0 };
  if (run.state) {
    strategy.restore(run.state.strategy as StrategySnapshot);
    for (const id of run.state.told) told.add(id);
  }
  for (const e of run.events) {
    if (e.type !== 'candidate-finished') continue;
    const c = e.candidate;
    if (c.testError !== undefined) {
      // A final-phase result: the same candidate, measured on the test set.
      candidates.set(c.id, c);
      continue;
    }
    candidates.set(c.id, c);
    if (c.status === 'trained' || c.status === 'failed') evaluated++;
    onResult(c);
    if (!told.has(c.id) && strategy.outstanding().some((p) => p.id === c.id)) {
      strategy.tell(c.id, toResult(c));
      told.add(c.id);
    }
  }
  // Results lost to damaged journal lines still used their share of the budget (run-store.ts).
  evaluated += run.lostEvaluations ?? 0;
  return {
    candidates,
    told,
    evaluated,
    pending: [...strategy.outstanding()],
    elapsedSeconds: elapsedSeconds(run.events),
  };
}

/** Wall time covered by the journal's sessions: each from its `run-started` to its last timed event. */
export function elapsedSeconds(events: readonly RunEvent[]): number {
  let total = 0;
  let start: number | undefined;
  let latest: number | undefined;
  const close = () => {
    if (start !== undefined && latest !== undefined) total += Math.max(0, latest - start);
  };
  for (const e of events) {
    if (!('time' in e)) continue;
    const t = Date.parse(e.time);
    if (!Number.isFinite(t)) continue;
    if (e.type === 'run-started') {
      close();
      start = t;
    }
    latest = t;
  }
  close();
  return total / 1000;
}

export function toResult(c: CandidateSummary): EvaluationResult {
  if (c.status === 'trained' && c.error !== undefined)
    return { status: 'trained', error: c.error, resources: c.resources };
  if (c.status === 'failed') return { status: 'failed', ...(c.failure ? { reason: c.failure } : {}) };
  return { status: 'rejected' };
}
