import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetConfig } from '../../../../server/src/engine/config/search-config.js';
import { WorkerPool } from '../../../../server/src/engine/training/worker-pool.js';
import type { TrainJob } from '../../../../server/src/engine/training/worker-protocol.js';
import { buildOnce } from '../../../support/build.js';
import { graphOfModel, trainConfig } from '../../../harness/training-fixtures.js';

const root = join(__dirname, '../../../..');
const script = join(root, 'dist/worker.js');
const graph = graphOfModel(
  'model m {\n input 28x28x1\n conv2d 8 k3 s2 relu\n conv1x1 16 relu\n maxpool 2\n flatten\n dense 10\n softmax\n}',
);
const dataset: DatasetConfig = {
  spec: { kind: 'mnist', subset: 1500, validation: 0.05, seed: 1 },
  input: [28, 28, 1],
  classes: 10,
  augment: {},
};
const train = trainConfig({ epochs: 3, batch: 64, lr: 0.003 });
const job = (id: number): TrainJob => ({ id, graph, dataset, baseDir: root, train, seed: id });
// Long enough that a start-up or scheduling delay of one worker cannot let the other finish first.
const longTrain = trainConfig({ epochs: 8, batch: 64, lr: 0.003 });

let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('worker pool', () => {
  beforeAll(async () => {
    await buildOnce();
    expect(existsSync(script)).toBe(true);
  }, 120_000);

  it('trains two candidates at the same time in two processes', async () => {
    pool = new WorkerPool({ script, workers: 2, backend: 'wasm' });
    expect((await pool.backend()).name).toBe('wasm');
    // Both processes up first: otherwise the second job would wait for its worker's start-up.
    await pool.allReady();
    const log: string[] = [];
    const run = (id: number) =>
      pool!
        .train({ ...job(id), train: longTrain }, (e) => {
          if (e.epoch === 1) log.push(`epoch1:${id}`);
        })
        .then((r) => {
          log.push(`done:${id}`);
          return r;
        });
    const [r1, r2] = await Promise.all([run(1), run(2)]);
    expect(r1.status).toBe('trained');
    expect(r2.status).toBe('trained');
    // Overlap, by order not by time: each job finished its first epoch before the other finished.
    expect(log.indexOf('epoch1:1')).toBeLessThan(log.indexOf('done:2'));
    expect(log.indexOf('epoch1:2')).toBeLessThan(log.indexOf('done:1'));
    expect(new Set(pool.pids()).size).toBe(2);
  });

  it('fails only the candidate whose worker dies, and replaces the worker', async () => {
    pool = new WorkerPool({ script, workers: 1, backend: 'wasm' });
    await pool.backend();
    const victim = pool.train(job(1), () => {
      const pid = pool!.pidOf(1);
      if (pid) process.kill(pid, 'SIGKILL');
    });
    const r = await victim;
    expect(r).toMatchObject({ status: 'failed' });
    if (r.status === 'failed') expect(r.reason).toMatch(/^training process died \(signal SIGKILL\)/);
    expect((await pool.train(job(2))).status).toBe('trained');
  });

  it('cancels queued and running jobs, and close() kills every worker', async () => {
    pool = new WorkerPool({ script, workers: 1, backend: 'wasm' });
    await pool.backend();
    const running = pool.train(job(1), () => pool!.cancel(1));
    const queued = pool.train(job(2));
    pool.cancel(2);
    expect(await queued).toEqual({ status: 'cancelled', seconds: 0 });
    expect((await running).status).toBe('cancelled');
    const pids = pool.pids();
    await pool.close();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
