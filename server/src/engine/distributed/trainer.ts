import type { BackendChoice } from '../training/backend/index.js';
import type { EpochReport } from '../training/trainer.js';
import type { TrainJob, WireResult } from '../training/worker-protocol.js';

/** What a queue worker trains with: the local worker pool (sandboxed processes), or the test stub. */
export interface Trainer {
  backend(): Promise<BackendChoice>;
  train(job: TrainJob, onEpoch?: (r: EpochReport) => void): Promise<WireResult>;
  cancel(id: number): void;
  close(): Promise<void>;
}
