import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunEvent } from '../../protocol/src/run-events.js';
import { loadRun } from '../../server/src/engine/runs/run-store.js';
import { RedisServer } from '../harness/redis-server.js';
import { evaluatedIds, startWorker, type WorkerProcess } from './unas-process.js';

/** The search the queue tests run: 12 candidates of a tiny MNIST space, one epoch each. */
export const FIXTURE = join(__dirname, '../fixtures/search/tiny-mnist.unas');

/** A real redis-server and `unas worker` processes on it; `stop()` after each test. */
export class QueueCluster {
  redis: RedisServer | undefined;
  workers: WorkerProcess[] = [];

  async start(n: number, opts: { stubMs?: number; args?: readonly string[] } = {}) {
    this.redis = await RedisServer.start();
    const url = this.redis.url;
    this.workers = await Promise.all(Array.from({ length: n }, () => startWorker(url, opts)));
    return { url, runs: mkdtempSync(join(tmpdir(), 'unas-queue-')) };
  }

  async stop(): Promise<void> {
    for (const w of this.workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
    this.workers = [];
    await this.redis?.stop();
    this.redis = undefined;
  }
}

/** Every evaluated candidate once, the budget met, none failed, and the journal on disk the same. */
export async function expectComplete(events: readonly RunEvent[], budget: number) {
  const started = events.find((e) => e.type === 'run-started');
  if (started?.type !== 'run-started') throw new Error('no run-started event');
  const run = await loadRun(started.run);
  const journalled = evaluatedIds(run.events);
  expect(new Set(journalled).size, `duplicates in ${journalled.join(',')}`).toBe(journalled.length);
  expect(journalled).toHaveLength(budget);
  const finished = run.events.flatMap((e) => (e.type === 'candidate-finished' ? [e.candidate] : []));
  expect(finished.filter((c) => c.status === 'failed').map((c) => c.failure)).toEqual([]);
  return { run, finished };
}
