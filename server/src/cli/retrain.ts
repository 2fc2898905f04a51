import { join, resolve } from 'node:path';
import type { CandidateSummary } from '../../../protocol/src/run-events.js';
import { loadRun, RunError, RunStore } from '../engine/runs/run-store.js';
import { finalJob } from '../engine/runs/final-phase.js';
import type { BackendRequest } from '../engine/training/backend/index.js';
import { WorkerPool } from '../engine/training/worker-pool.js';
import { findCandidate, foldRunEvents } from '../../../protocol/src/run-state.js';
import { EXIT, type CliIo } from './io.js';

export interface RetrainArgs {
  readonly run?: string;
  readonly candidate?: number;
  readonly epochs?: number;
  readonly json: boolean;
  /** Start from the candidate's kept weights (a fine-tuning), not from scratch. */
  readonly warm?: boolean;
  readonly backend: BackendRequest;
}

/**
 * `unas retrain RUN --candidate ID [--epochs N]`: trains one candidate again on the whole training
 * split (N epochs, default the run's), measures its test accuracy, keeps its weights in the run
 * folder and journals the updated candidate (the panel's "Re-train longer").
 */
export async function retrainCommand(args: RetrainArgs, io: CliIo, signal?: AbortSignal): Promise<number> {
  if (!args.run || args.candidate === undefined) {
    io.stderr.write('unas retrain: give a run folder and --candidate ID\n');
    return EXIT.usage;
  }
  let run;
  try {
    run = await loadRun(resolve(io.cwd, args.run));
  } catch (e) {
    io.stderr.write(`unas retrain: ${e instanceof RunError ? e.message : String(e)}\n`);
    return EXIT.input;
  }
  const c = findCandidate(foldRunEvents(run.events), args.candidate);
  if (!c) {
    io.stderr.write(`unas retrain: run ${run.config.name} has no candidate ${args.candidate}\n`);
    return EXIT.usage;
  }
  const store = RunStore.reopen(run.dir);
  const epochs = args.epochs ?? run.config.train.epochs;
  const job = finalJob(run.config, c, epochs, run.dir, store.weightsDir(c.id), args.warm ?? false);
  if (!job) {
    store.close();
    io.stderr.write(`unas retrain: candidate ${c.id}'s model does not parse\n`);
    return EXIT.input;
  }
  if (args.warm && !job.inherit) {
    store.close();
    io.stderr.write(`unas retrain: candidate ${c.id} has no kept weights to start from (--warm)\n`);
    return EXIT.input;
  }
  const pool = new WorkerPool({ script: join(__dirname, 'worker.js'), workers: 1, backend: args.backend });
  signal?.addEventListener('abort', () => pool.cancel(c.id), { once: true });
  try {
    if (!args.json)
      io.stdout.write(
        `re-training candidate ${c.id} for ${epochs} epochs on the whole training set${job.inherit ? ', from its kept weights' : ''}…\n`,
      );
    const r = await pool.train(job, (e) => {
      const ev = {
        type: 'epoch' as const,
        id: c.id,
        epoch: e.epoch,
        epochs: e.epochs,
        loss: e.loss,
        accuracy: e.accuracy,
      };
      if (args.json) io.stdout.write(`${JSON.stringify(ev)}\n`);
      else
        io.stdout.write(
          `  epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(4)}, validation accuracy ${(100 * e.accuracy).toFixed(2)}%\n`,
        );
    });
    if (r.status !== 'trained' || r.testAccuracy === undefined) {
      io.stderr.write(`unas retrain: ${r.status === 'failed' ? r.reason : r.status}\n`);
      return r.status === 'cancelled' ? EXIT.interrupted : EXIT.failed;
    }
    const updated: CandidateSummary = {
      ...c,
      testError: 1 - r.testAccuracy,
      finalError: 1 - r.accuracy,
      curve: r.curve,
      trainSeconds: r.seconds,
    };
    const event = { type: 'candidate-finished' as const, candidate: updated, time: new Date().toISOString() };
    store.append(event);
    if (args.json) io.stdout.write(`${JSON.stringify(event)}\n`);
    else
      io.stdout.write(
        `candidate ${c.id}: test accuracy ${(100 * r.testAccuracy).toFixed(2)}% (validation ${(100 * r.accuracy).toFixed(2)}%), weights in ${store.weightsDir(c.id)}\n`,
      );
    return EXIT.ok;
  } finally {
    store.close();
    await pool.close();
  }
}
