import type { CandidateSummary, Metric } from '../../../../protocol/src/run-events.js';
import type { Constraint } from '../search/objectives.js';
import { ParetoArchive } from '../search/pareto.js';
import type { RunStore } from './run-store.js';

/**
 * Keeps the Pareto front of feasible trained candidates, `front.json`, and the weights on disk:
 * the front's, plus whatever the caller still needs (candidates in training). Prunes run one at a
 * time and a failed prune only costs disk space.
 */
export class FrontKeeper {
  readonly archive: ParetoArchive;
  private pruning: Promise<void> = Promise.resolve();

  constructor(
    objectives: readonly Metric[],
    constraints: readonly Constraint[],
    private readonly store: RunStore,
    private readonly lookup: (id: number) => CandidateSummary | undefined,
    private readonly warn: (message: string) => void,
  ) {
    this.archive = new ParetoArchive(objectives, constraints);
  }

  /** Offers a finished candidate; true when it joined the front. */
  offer(c: CandidateSummary): boolean {
    return c.status === 'trained' && c.feasible && c.error !== undefined
      ? this.archive.add(c.id, c.error, c.resources)
      : false;
  }

  ids(): number[] {
    return this.archive.frontIds();
  }

  members(): CandidateSummary[] {
    return this.ids().flatMap((id) => {
      const c = this.lookup(id);
      return c ? [c] : [];
    });
  }

  writeFront(): void {
    this.store.writeFront(this.ids().map((id) => this.lookup(id)));
  }

  /**
   * Deletes the weights of every candidate not on the front and not in `alsoKeep()`, asked when the
   * prune runs (prunes queue up, and candidates may start or finish meanwhile).
   */
  pruneWeights(alsoKeep: () => Iterable<number>): void {
    this.pruning = this.pruning
      .then(() => this.store.pruneWeights(new Set([...this.ids(), ...alsoKeep()])))
      .catch((e: unknown) =>
        this.warn(`could not delete old weights: ${e instanceof Error ? e.message : String(e)}`),
      );
  }

  /** Resolves when the pending prunes are done. */
  settled(): Promise<void> {
    return this.pruning;
  }
}
