import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import type { WorkerSummary } from '../../../../protocol/src/run-events.js';
import type { Evaluator } from '../runs/search-runner.js';
import type { BackendChoice, BackendName } from '../training/backend/index.js';
import type { EpochReport } from '../training/trainer.js';
import type { TrainJob, WireResult } from '../training/worker-protocol.js';
import {
  checkJobResult,
  checkProgress,
  JOB_NAME,
  jobIdOf,
  QUEUE_NAME,
  type QueueJobData,
  type QueueJobResult,
} from './queue-job.js';
import { closeQuietly } from './close-quietly.js';
import { isConfigurationError, redisOptions, type QueueUrl } from './queue-url.js';
import { readWeightFiles, writeWeightFiles } from './weight-files.js';
import { summarise, WorkerRegistry, type WorkerBeat } from './worker-registry.js';

export interface QueueEvaluatorOptions {
  readonly url: QueueUrl;
  /** The run's id on the queue (`runId`). */
  readonly run: string;
  /** The coordinator's dataset fingerprint; workers with other data refuse the jobs. */
  readonly fingerprint: string;
  /** Weights come back inline (default), or through this folder, shared with every worker. */
  readonly sharedDir?: string;
  /** Candidates in flight; default: the connected workers' total concurrency. */
  readonly size?: number;
  /** Tries per job before its candidate fails (a killed worker, a worker without the data). */
  readonly attempts?: number;
  /** How often jobs and workers are checked besides the queue's events (default 1 s). */
  readonly pollMs?: number;
  readonly onWorkers?: (workers: readonly WorkerSummary[]) => void;
  /** Stops the wait for a first worker (Ctrl-C before any worker connected). */
  readonly signal?: AbortSignal;
  readonly log?: (message: string) => void;
}

interface Pending {
  readonly candidate: number;
  readonly data: QueueJobData;
  readonly saveTo?: string;
  readonly onEpoch?: (r: EpochReport) => void;
  readonly resolve: (r: WireResult) => void;
  checking?: boolean;
  settling?: boolean;
}

const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * The search's evaluator when candidates train on other machines: each training is a BullMQ job
 * with a deterministic id, so a resumed coordinator re-attaches to jobs queued, running or done
 * while it was away. A job's result settles its candidate exactly once; the queue's events make
 * that prompt, and a poll makes it certain (events are lost when Redis restarts empty, and then
 * the jobs are queued again). Only this process writes the run folder.
 */
export class QueueEvaluator implements Evaluator {
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly pending = new Map<string, Pending>();
  private readonly registry = new WorkerRegistry();
  private live: WorkerBeat[] = [];
  private shown = '';
  private readonly timer: NodeJS.Timeout;
  private ticking = false;
  private closed = false;
  private readonly firstWorker: Promise<BackendChoice>;
  private foundWorker!: (b: BackendChoice) => void;
  private noWorker!: (e: Error) => void;
  private redisDown = '';

  constructor(private readonly o: QueueEvaluatorOptions) {
    const connection = redisOptions(o.url);
    this.queue = new Queue(QUEUE_NAME, { connection });
    this.events = new QueueEvents(QUEUE_NAME, { connection });
    this.firstWorker = new Promise((res, rej) => {
      this.foundWorker = res;
      this.noWorker = rej;
    });
    this.firstWorker.catch(() => undefined);
    o.signal?.addEventListener(
      'abort',
      () => this.noWorker(new Error('stopped before any worker connected')),
      {
        once: true,
      },
    );
    const onError = (e: Error) => {
      // A wrong password or missing rights: the search fails now instead of waiting forever.
      if (isConfigurationError(e)) {
        this.noWorker(new Error(`queue ${o.url.display}: ${e.message}`));
        return;
      }
      if (e.message === this.redisDown) return;
      this.redisDown = e.message;
      o.log?.(`queue ${o.url.display}: ${e.message} (waiting for it to come back)`);
    };
    this.queue.on('error', onError);
    this.events.on('error', onError);
    // The event carries the result: settled without another round trip (the poll is the safety net).
    this.events.on('completed', ({ jobId, returnvalue }) => {
      const p = this.pending.get(jobId);
      if (p) void this.settle(jobId, p, returnvalue);
    });
    this.events.on('failed', ({ jobId }) => void this.check(jobId));
    this.events.on('progress', ({ jobId, data }) => this.progress(jobId, data));
    this.timer = setInterval(() => void this.tick(), o.pollMs ?? 1000);
    void this.tick();
  }

  get size(): number {
    return (
      this.o.size ??
      Math.max(
        1,
        this.live.reduce((n, w) => n + w.concurrency, 0),
      )
    );
  }

  /** Resolves once a worker is connected: its backend names the run's backend. */
  async backend(): Promise<BackendChoice> {
    if (!this.live.length)
      this.o.log?.(`waiting for workers on ${this.o.url.display} (start them with: unas worker --queue URL)`);
    return this.firstWorker;
  }

  async train(job: TrainJob, onEpoch?: (r: EpochReport) => void): Promise<WireResult> {
    if (this.closed) return { status: 'cancelled', seconds: 0 };
    if (job.model === undefined)
      return { status: 'failed', reason: 'a queued training needs the model text', curve: [], seconds: 0 };
    // Inheritance: the parent's weights (in this run folder) travel with the job. Unreadable, they
    // cost the head start, not the candidate — as with local training.
    let inherit: QueueJobData['inherit'];
    if (job.inherit)
      try {
        inherit = { pairs: job.inherit.pairs, files: await readWeightFiles(job.inherit.from) };
      } catch (e) {
        this.o.log?.(
          `candidate ${job.id} trains from scratch: its parent's weights: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    if (this.closed) return { status: 'cancelled', seconds: 0 };
    const data: QueueJobData = {
      v: 1,
      run: this.o.run,
      candidate: job.id,
      model: job.model,
      dataset: job.dataset,
      baseDir: job.baseDir,
      train: job.train,
      seed: job.seed,
      ...(job.test ? { test: true } : {}),
      fingerprint: this.o.fingerprint,
      weights: job.saveTo === undefined ? 'none' : this.o.sharedDir !== undefined ? 'shared' : 'inline',
      ...(inherit ? { inherit } : {}),
      ...(job.pruning ? { pruning: job.pruning } : {}),
    };
    const id = jobIdOf(data);
    return new Promise((resolve) => {
      this.pending.set(id, {
        candidate: job.id,
        data,
        resolve,
        ...(job.saveTo ? { saveTo: job.saveTo } : {}),
        ...(onEpoch ? { onEpoch } : {}),
      });
      void this.submit(id);
    });
  }

  /** Stops waiting for a candidate; a job not yet started is withdrawn, one in training finishes (a resume picks it up). */
  cancel(candidate: number): void {
    for (const [id, p] of this.pending)
      if (p.candidate === candidate) {
        this.pending.delete(id);
        p.resolve({ status: 'cancelled', seconds: 0 });
        void this.queue
          .getJobState(id)
          .then((s) =>
            s === 'waiting' || s === 'delayed' || s === 'prioritized' ? this.queue.remove(id) : 0,
          )
          .catch(() => undefined);
      }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const p of this.pending.values()) p.resolve({ status: 'cancelled', seconds: 0 });
    this.pending.clear();
    await Promise.all([closeQuietly(this.events), closeQuietly(this.queue)]);
  }

  /**
   * Queues a job; one round trip. A job of that id that exists already (a resumed coordinator)
   * is left as it is, and if it is done, it is settled now.
   */
  private async submit(id: string): Promise<void> {
    const p = this.pending.get(id);
    if (!p) return;
    p.checking = true;
    let state = 'unknown';
    try {
      [, state] = await Promise.all([this.add(id, p.data), this.queue.getJobState(id)]);
    } catch (e) {
      if (!this.closed)
        this.o.log?.(`queue: adding job ${id}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      p.checking = false;
    }
    if (state === 'completed' || state === 'failed') await this.check(id);
  }

  private add(id: string, data: QueueJobData) {
    return this.queue.add(JOB_NAME, data, {
      jobId: id,
      attempts: this.o.attempts ?? 3,
      backoff: { type: 'exponential', delay: 1000 },
      // Results wait for a resumed coordinator, but not forever.
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** Where a job stands: queued again when Redis lost it, settled when it is done. */
  private async check(id: string): Promise<void> {
    const p = this.pending.get(id);
    if (!p || p.checking || this.closed) return;
    p.checking = true;
    try {
      const state = await this.queue.getJobState(id);
      if (state === 'unknown') await this.add(id, p.data);
      else if (state === 'completed' || state === 'failed') {
        const job = await this.queue.getJob(id);
        if (!job || this.pending.get(id) !== p) return;
        if (state === 'completed') await this.settle(id, p, job.returnvalue);
        else
          this.finish(id, p, {
            status: 'failed',
            reason: `training failed on the queue after ${job.attemptsMade} attempt(s): ${job.failedReason}`,
            curve: [],
            seconds: 0,
          });
      }
    } catch (e) {
      if (!this.closed)
        this.o.log?.(`queue: checking job ${id}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      p.checking = false;
    }
  }

  private async settle(id: string, p: Pending, value: unknown): Promise<void> {
    if (p.settling) return;
    p.settling = true;
    const r = checkJobResult(value);
    if (!r.ok) {
      this.finish(id, p, {
        status: 'failed',
        reason: `a worker sent an invalid ${r.error}`,
        curve: [],
        seconds: 0,
      });
      return;
    }
    const { worker, result, weights } = r.value;
    let saved: string | undefined;
    if (result.status === 'trained' && p.saveTo && weights) saved = await this.keepWeights(p.saveTo, r.value);
    this.finish(id, p, { ...result, worker, ...(saved ? { saved } : {}) });
  }

  /** Writes a result's weights into the run folder (the coordinator is its only writer). */
  private async keepWeights(dir: string, r: QueueJobResult): Promise<string | undefined> {
    try {
      await mkdir(dir, { recursive: true });
      if (r.weights?.kind === 'inline') await writeWeightFiles(dir, r.weights.files);
      else if (r.weights?.kind === 'shared' && this.o.sharedDir) {
        const from = join(this.o.sharedDir, r.weights.path);
        await cp(from, dir, { recursive: true });
        await rm(from, { recursive: true, force: true });
      }
      return dir;
    } catch (e) {
      this.o.log?.(`could not keep the weights of ${dir}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  private finish(id: string, p: Pending, result: WireResult): void {
    if (this.pending.get(id) !== p) return;
    this.pending.delete(id);
    p.resolve(result);
    // After the runner has journalled it (promise callbacks run first): the queue may forget it.
    setImmediate(() => void this.queue.remove(id).catch(() => undefined));
  }

  private progress(id: string, data: unknown): void {
    const p = this.pending.get(id);
    const c = checkProgress(data);
    if (p && c.ok) p.onEpoch?.(c.value);
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    try {
      this.live = await this.registry.refresh(await this.queue.client);
      if (this.redisDown) {
        this.o.log?.(`queue ${this.o.url.display}: connected again`);
        this.redisDown = '';
      }
      const first = this.live[0];
      if (first)
        this.foundWorker({
          name: BACKENDS.includes(first.backend as BackendName) ? (first.backend as BackendName) : 'cpu',
          reason: `${this.live.length} worker(s) on ${this.o.url.display}`,
        });
      const summary = summarise(this.live, this.o.run);
      const text = JSON.stringify(summary);
      if (text !== this.shown) {
        this.shown = text;
        this.o.onWorkers?.(summary);
      }
      for (const id of [...this.pending.keys()]) await this.check(id);
    } catch {
      // Redis is away: the error handler has said so; the next tick tries again.
    } finally {
      this.ticking = false;
    }
  }
}
