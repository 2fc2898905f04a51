import type { BackendChoice } from '../training/backend/index.js';
import type { EpochReport } from '../training/trainer.js';
import type { TrainJob, WireResult } from '../training/worker-protocol.js';

/** What trains candidates: the worker pool, a queue of remote workers, or a stub in tests. */
export interface Evaluator {
  /** How many candidates it trains at once. */
  readonly size: number;
  backend(): Promise<BackendChoice>;
  train(job: TrainJob, onEpoch?: (r: EpochReport) => void): Promise<WireResult>;
  cancel(id: number): void;
}
