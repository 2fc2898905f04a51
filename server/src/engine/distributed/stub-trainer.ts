import { createHash } from 'node:crypto';
import type { BackendChoice } from '../training/backend/index.js';
import type { EpochReport } from '../training/trainer.js';
import type { TrainJob, WireResult } from '../training/worker-protocol.js';
import type { Trainer } from './trainer.js';

/**
 * For tests and benchmarks of the coordination only (`UNAS_STUB_TRAINER_MS`): "trains" by waiting
 * a fixed time, and reports an accuracy that is a fixed function of the model and the seed, so a
 * candidate trained twice or on another worker gives the same result. Never a default.
 */
export class StubTrainer implements Trainer {
  private readonly timers = new Map<number, { timer: NodeJS.Timeout; resolve: (r: WireResult) => void }>();

  constructor(private readonly ms: number) {}

  backend(): Promise<BackendChoice> {
    return Promise.resolve({ name: 'cpu', reason: `stub trainer, ${this.ms} ms per candidate` });
  }

  train(job: TrainJob, onEpoch?: (r: EpochReport) => void): Promise<WireResult> {
    const digest = createHash('sha256')
      .update(`${job.model ?? ''}\0${job.seed}\0${job.train.epochs}`)
      .digest();
    const accuracy = 0.5 + (digest.readUInt16BE(0) / 65535) * 0.49;
    const t0 = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(job.id);
        onEpoch?.({ epoch: 1, epochs: 1, loss: 1 - accuracy, accuracy });
        resolve({
          status: 'trained',
          accuracy,
          bestEpoch: 0,
          curve: [accuracy],
          // The time it really waited (a loaded machine oversleeps): what a training would report.
          seconds: (performance.now() - t0) / 1000,
          ...(job.test ? { testAccuracy: accuracy } : {}),
        });
      }, this.ms);
      this.timers.set(job.id, { timer, resolve });
    });
  }

  cancel(id: number): void {
    const t = this.timers.get(id);
    if (!t) return;
    clearTimeout(t.timer);
    this.timers.delete(id);
    t.resolve({ status: 'cancelled', seconds: 0 });
  }

  close(): Promise<void> {
    for (const id of [...this.timers.keys()]) this.cancel(id);
    return Promise.resolve();
  }
}
