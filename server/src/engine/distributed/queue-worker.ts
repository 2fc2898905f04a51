import { mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { graphOfModelText } from '../search/model-text.js';
import {
  checkJobData,
  QUEUE_NAME,
  type QueueJobResult,
  type QueueProgress,
  type ReturnedWeights,
} from './queue-job.js';
import { closeQuietly } from './close-quietly.js';
import { isConfigurationError, redisOptions, type QueueUrl } from './queue-url.js';
import type { Trainer } from './trainer.js';
import { readWeightFiles, writeWeightFiles } from './weight-files.js';
import { BEAT_MS, removeBeat, writeBeat } from './worker-registry.js';

export interface QueueWorkerOptions {
  readonly url: QueueUrl;
  readonly concurrency: number;
  readonly trainer: Trainer;
  /** Where trained weights go when a search asks for a shared folder (this machine's mount of it). */
  readonly sharedDir?: string;
  /** Scratch space for weights on their way back inline. */
  readonly scratchDir: string;
  /** BullMQ lock: a job of a worker that stops renewing it for this long is given to another (default 30 s). */
  readonly lockMs?: number;
  readonly log: (line: string) => void;
}

export interface QueueWorker {
  /** `host:pid`: how events and the panel name this worker. */
  readonly id: string;
  /** Settles with the reason when the queue refuses this worker (wrong password, missing rights). */
  readonly refused: Promise<string>;
  /** Graceful: finishes the jobs in training first. `force`: drops them (they are retried elsewhere). */
  close(force?: boolean): Promise<void>;
}

/**
 * `unas worker`: takes training jobs from the queue and trains each in a sandboxed process of the
 * local trainer. It only ever runs this project's training on a model given as `.unas` text — a
 * job is data, checked before use. The queue's lock is renewed by this process while the child
 * trains, so a long training never looks stalled; a killed worker's jobs are retried elsewhere.
 */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const id = `${hostname()}:${process.pid}`;
  const backend = await o.trainer.backend();
  const active = new Map<number, { run: string; candidate: number }>();
  let local = 0;

  const processor = async (job: Job): Promise<QueueJobResult> => {
    const checked = checkJobData(job.data);
    if (!checked.ok) throw new UnrecoverableError(`${id} refused job ${job.id}: ${checked.error}`);
    const d = checked.value;
    const graph = graphOfModelText(d.model);
    if (!graph) throw new UnrecoverableError(`${id} refused job ${job.id}: its model does not parse`);
    const n = ++local;
    const shared = d.weights === 'shared' && o.sharedDir !== undefined;
    const relative = `${d.run}/${String(job.id)}`;
    const saveTo =
      d.weights === 'none'
        ? undefined
        : shared
          ? join(o.sharedDir!, d.run, String(job.id))
          : join(o.scratchDir, String(job.id));
    // Weight inheritance: the parent's weights came with the job; the trainer reads them from disk.
    const parentDir = d.inherit ? join(o.scratchDir, `${String(job.id)}-parent`) : undefined;
    if (d.inherit && parentDir) await writeWeightFiles(parentDir, d.inherit.files);
    active.set(n, { run: d.run, candidate: d.candidate });
    o.log(`${id}: training candidate ${d.candidate} of run ${d.run} (job ${String(job.id)})`);
    try {
      const r = await o.trainer.train(
        {
          id: n,
          graph,
          model: d.model,
          dataset: d.dataset,
          baseDir: d.baseDir,
          train: d.train,
          seed: d.seed,
          fingerprint: d.fingerprint,
          ...(d.test ? { test: true } : {}),
          ...(saveTo ? { saveTo } : {}),
          ...(d.inherit && parentDir ? { inherit: { from: parentDir, pairs: d.inherit.pairs } } : {}),
          ...(d.pruning ? { pruning: d.pruning } : {}),
        },
        (e) => {
          const progress: QueueProgress = { worker: id, ...e };
          // Progress is for show: a report lost while Redis is away costs nothing.
          job.updateProgress(progress).catch(() => undefined);
        },
      );
      if (r.status === 'cancelled') throw new Error(`${id} stopped before it finished training`);
      if (r.status === 'failed') {
        o.log(`${id}: candidate ${d.candidate} failed: ${r.reason}`);
        // The worker's fault (it died, lacks the data): BullMQ retries the job, maybe elsewhere.
        if (r.retryable) throw new Error(`${id}: ${r.reason}`);
        const { worker: _w, retryable: _r, ...result } = r;
        return { v: 1, worker: id, result };
      }
      const { worker: _w, saved, ...result } = r;
      let weights: ReturnedWeights | undefined;
      if (saved && shared) weights = { kind: 'shared', path: relative };
      else if (saved) {
        try {
          weights = { kind: 'inline', files: await readWeightFiles(saved) };
        } catch (e) {
          throw new UnrecoverableError(e instanceof Error ? e.message : String(e));
        }
      }
      o.log(`${id}: candidate ${d.candidate} trained (accuracy ${(100 * result.accuracy).toFixed(2)}%)`);
      return { v: 1, worker: id, result, ...(weights ? { weights } : {}) };
    } finally {
      active.delete(n);
      if (saveTo && !shared) await rm(saveTo, { recursive: true, force: true }).catch(() => undefined);
      if (parentDir) await rm(parentDir, { recursive: true, force: true }).catch(() => undefined);
    }
  };

  const lockMs = o.lockMs ?? 30_000;
  const worker = new Worker(QUEUE_NAME, processor, {
    connection: redisOptions(o.url),
    concurrency: o.concurrency,
    name: id,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // A job also stalls when Redis itself was away; a few of those are no reason to give up on it.
    maxStalledCount: 3,
  });
  let lastError = '';
  let refuse!: (why: string) => void;
  const refused = new Promise<string>((res) => (refuse = res));
  worker.on('error', (e) => {
    if (isConfigurationError(e)) refuse(`${o.url.display}: ${e.message}`);
    // ECONNREFUSED once a second while Redis is away: say it once per kind of error.
    if (e.message !== lastError) o.log(`${id}: queue: ${e.message}`);
    lastError = e.message;
  });
  worker.on('ready', () => {
    if (lastError) o.log(`${id}: connected to ${o.url.display} again`);
    lastError = '';
  });
  await mkdir(o.scratchDir, { recursive: true });

  let seq = 0;
  let beating = false;
  let announced = false;
  const beat = async () => {
    if (beating) return;
    beating = true;
    try {
      const client = await worker.client;
      await writeBeat(client, {
        id,
        backend: backend.name,
        concurrency: o.concurrency,
        jobs: [...active.values()],
        seq: ++seq,
      });
      // Announced once Redis has taken a beat: connected, and with the rights it needs.
      if (!announced)
        o.log(
          `${id}: waiting for candidates on ${o.url.display} (${o.concurrency} at a time, ${backend.name} backend)`,
        );
      announced = true;
    } catch {
      // Redis is away: the next beat tries again.
    } finally {
      beating = false;
    }
  };
  void beat();
  const timer = setInterval(() => void beat(), BEAT_MS);

  return {
    id,
    refused,
    close: async (force = false) => {
      // Graceful: take no new job and let those in training finish (their results are sent).
      if (force) await o.trainer.close();
      else await worker.pause();
      clearInterval(timer);
      // Best effort: a worker that cannot say goodbye simply stops beating and is dropped.
      await Promise.race([
        worker.client.then((c) => removeBeat(c, id)).catch(() => undefined),
        new Promise((r) => setTimeout(r, 500)),
      ]);
      // Graceful closes wait for the jobs in training (paused above); only a failed handshake is cut short.
      await closeQuietly(worker, force, force ? 2000 : 24 * 3600 * 1000);
      await o.trainer.close();
      await rm(o.scratchDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
