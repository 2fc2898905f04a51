import { fork, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import type { BackendChoice, BackendRequest } from './backend/index.js';
import type { EpochReport } from './trainer.js';
import type { ParentToWorker, TrainJob, WireResult, WorkerToParent } from './worker-protocol.js';

export interface WorkerPoolOptions {
  /** Path of the worker script (the bundled `dist/worker.js`). */
  readonly script: string;
  readonly workers: number;
  readonly backend: BackendRequest;
  readonly wasmDir?: string;
  /** Extra arguments for node (e.g. --max-old-space-size). */
  readonly execArgv?: readonly string[];
}

interface Slot {
  proc: ChildProcess;
  backend?: BackendChoice;
  busy?: { job: TrainJob; resolve: (r: WireResult) => void; onEpoch: ((r: EpochReport) => void) | undefined };
  readonly index: number;
  /** Settles when this worker has its backend, or has died trying. */
  readonly ready: Promise<void>;
  markReady: () => void;
  markFailed: (e: Error) => void;
}

/**
 * N training processes (one candidate each at a time). A worker that crashes fails only its
 * candidate and is replaced; `close()` kills them all (nothing outlives the search).
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: {
    job: TrainJob;
    resolve: (r: WireResult) => void;
    onEpoch: ((r: EpochReport) => void) | undefined;
  }[] = [];
  private closed = false;
  private readonly backendReady: Promise<BackendChoice>;
  private resolveBackend!: (b: BackendChoice) => void;
  private rejectBackend!: (e: Error) => void;

  constructor(private readonly options: WorkerPoolOptions) {
    this.backendReady = new Promise((res, rej) => {
      this.resolveBackend = res;
      this.rejectBackend = rej;
    });
    // Unobserved rejections must not crash the parent: callers learn of it through `backend()`.
    this.backendReady.catch(() => undefined);
    for (let i = 0; i < Math.max(1, options.workers); i++) this.slots.push(this.spawn(i));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Process ids of the workers (to show them, and for tests that kill one). */
  pids(): number[] {
    return this.slots.flatMap((s) => (s.proc.pid ? [s.proc.pid] : []));
  }

  /** Which worker runs job `id`, if any. */
  pidOf(id: number): number | undefined {
    return this.slots.find((s) => s.busy?.job.id === id)?.proc.pid;
  }

  /** Resolves when every worker has its backend (a search can start without waiting for this). */
  async allReady(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** The backend the first worker settled on (all make the same choice). */
  backend(): Promise<BackendChoice> {
    return this.backendReady;
  }

  train(job: TrainJob, onEpoch?: (r: EpochReport) => void): Promise<WireResult> {
    if (this.closed) return Promise.resolve({ status: 'cancelled', seconds: 0 });
    return new Promise((resolve) => {
      this.queue.push({ job, resolve, onEpoch });
      this.pump();
    });
  }

  cancel(id: number): void {
    const q = this.queue.findIndex((x) => x.job.id === id);
    if (q >= 0) this.queue.splice(q, 1)[0]!.resolve({ status: 'cancelled', seconds: 0 });
    for (const s of this.slots) if (s.busy?.job.id === id) this.post(s, { type: 'cancel', id });
  }

  /** Kills every worker; jobs in flight resolve as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.resolve({ status: 'cancelled', seconds: 0 });
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((res) => {
            const b = s.busy;
            s.busy = undefined;
            b?.resolve({ status: 'cancelled', seconds: 0 });
            if (s.proc.exitCode !== null || s.proc.signalCode !== null) {
              res();
              return;
            }
            s.proc.once('exit', () => res());
            s.proc.kill('SIGKILL');
          }),
      ),
    );
  }

  private spawn(index: number): Slot {
    const proc = fork(this.options.script, [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: [...(this.options.execArgv ?? [])],
    });
    let markReady!: () => void;
    let markFailed!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => {
      markReady = res;
      markFailed = rej;
    });
    ready.catch(() => undefined);
    const slot: Slot = { proc, index, ready, markReady, markFailed };
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    proc.on('message', (m: WorkerToParent) => this.onMessage(slot, m));
    proc.on('exit', (code, signal) => {
      if (this.closed) return;
      const b = slot.busy;
      slot.busy = undefined;
      const why = signal ? `signal ${signal}` : `exit code ${code}`;
      b?.resolve({
        status: 'failed',
        reason: `training process died (${why})${stderr ? `: ${lastLine(stderr)}` : ''}`,
        curve: [],
        seconds: 0,
        retryable: true,
      });
      // Replace it, unless workers cannot even start (then every job would fail the same way).
      if (slot.backend) {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots[i] = this.spawn(slot.index);
        this.pump();
      } else {
        const error = new Error(
          `training worker failed to start (${why})${stderr ? `: ${lastLine(stderr)}` : ''}`,
        );
        slot.markFailed(error);
        this.rejectBackend(error);
        for (const q of this.queue.splice(0))
          q.resolve({ status: 'failed', reason: 'no training worker could start', curve: [], seconds: 0 });
      }
    });
    this.post(slot, {
      type: 'init',
      backend: this.options.backend,
      ...(this.options.wasmDir ? { wasmDir: this.options.wasmDir } : {}),
    });
    return slot;
  }

  private onMessage(slot: Slot, m: WorkerToParent): void {
    switch (m.type) {
      case 'ready':
        slot.backend = m.backend;
        slot.markReady();
        this.resolveBackend(m.backend);
        this.pump();
        break;
      case 'fatal':
        this.rejectBackend(new Error(m.message));
        break;
      case 'epoch':
        if (slot.busy?.job.id === m.id) slot.busy.onEpoch?.(m.report);
        break;
      case 'result': {
        const b = slot.busy;
        if (b?.job.id !== m.id) return;
        slot.busy = undefined;
        b.resolve(
          m.result.status === 'cancelled'
            ? m.result
            : { ...m.result, worker: `${hostname()}:${slot.proc.pid}` },
        );
        this.pump();
        break;
      }
    }
  }

  private pump(): void {
    for (const s of this.slots) {
      if (!this.queue.length) return;
      if (s.busy || !s.backend || !s.proc.connected) continue;
      const next = this.queue.shift()!;
      s.busy = next;
      this.post(s, { type: 'train', job: next.job });
    }
  }

  private post(slot: Slot, m: ParentToWorker): void {
    if (slot.proc.connected) slot.proc.send(m);
  }
}

function lastLine(s: string): string {
  return s.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
}
