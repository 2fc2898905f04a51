import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startQueueWorker } from '../engine/distributed/queue-worker.js';
import type { QueueUrl } from '../engine/distributed/queue-url.js';
import { StubTrainer } from '../engine/distributed/stub-trainer.js';
import type { Trainer } from '../engine/distributed/trainer.js';
import type { BackendRequest } from '../engine/training/backend/index.js';
import { WorkerPool } from '../engine/training/worker-pool.js';
import { EXIT, type CliIo } from './io.js';

export interface WorkerArgs {
  readonly queue: QueueUrl;
  readonly concurrency?: number;
  readonly backend: BackendRequest;
  readonly sharedDir?: string;
  readonly lockMs?: number;
}

/**
 * `unas worker --queue URL`: trains candidates of any search on that queue until Ctrl-C (which
 * lets the jobs in training finish; a second one quits at once and they are retried elsewhere).
 */
export async function workerCommand(args: WorkerArgs, io: CliIo, signal?: AbortSignal): Promise<number> {
  const concurrency = args.concurrency ?? availableParallelism();
  // Tests and benchmarks of the coordination only: a fixed wait instead of training.
  const stubMs = Number(io.env.UNAS_STUB_TRAINER_MS);
  const trainer: Trainer =
    io.env.UNAS_STUB_TRAINER_MS !== undefined && Number.isFinite(stubMs) && stubMs >= 0
      ? new StubTrainer(stubMs)
      : new WorkerPool({ script: join(__dirname, 'worker.js'), workers: concurrency, backend: args.backend });
  let worker;
  try {
    worker = await startQueueWorker({
      url: args.queue,
      concurrency,
      trainer,
      scratchDir: join(tmpdir(), `unas-worker-${process.pid}`),
      ...(args.sharedDir ? { sharedDir: resolve(io.cwd, args.sharedDir) } : {}),
      ...(args.lockMs ? { lockMs: args.lockMs } : {}),
      log: (line) => io.stdout.write(`${line}\n`),
    });
  } catch (e) {
    await trainer.close();
    io.stderr.write(`unas worker: no training backend: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  }
  const refused = await Promise.race([
    worker.refused,
    new Promise<undefined>((res) => {
      if (!signal || signal.aborted) return res(undefined);
      signal.addEventListener('abort', () => res(undefined), { once: true });
    }),
  ]);
  if (refused !== undefined) {
    io.stderr.write(`unas worker: the queue refuses this worker: ${refused}\n`);
    await worker.close(true);
    return EXIT.failed;
  }
  io.stdout.write(`${worker.id}: stopping after the candidates in training\n`);
  await worker.close();
  return EXIT.ok;
}
