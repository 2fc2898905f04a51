import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveSearch } from '../../server/src/engine/config/resolve-search.js';
import { QueueEvaluator } from '../../server/src/engine/distributed/queue-evaluator.js';
import { parseQueueUrl } from '../../server/src/engine/distributed/queue-url.js';
import { analyze } from '../../server/src/engine/language/analyze.js';
import { graphOfModelText } from '../../server/src/engine/search/model-text.js';
import { cli } from '../support/cli.js';
import { buildOnce } from '../support/build.js';
import { expectComplete, FIXTURE, QueueCluster } from '../support/queue-cluster.js';
import { RedisServer } from '../harness/redis-server.js';
import { evaluatedIds, startSearch, startWorker, type WorkerProcess } from '../support/unas-process.js';

const cluster = new QueueCluster();
afterEach(() => cluster.stop());

const root = join(__dirname, '../..');

function tinyConfig() {
  const a = analyze(readFileSync(FIXTURE, 'utf8'));
  const r = resolveSearch(a.document, a.document.searches[0]!, FIXTURE);
  if (!r.ok) throw new Error(r.errors.join());
  return r.config;
}

/** Outages of Redis and of the coordinator are in distributed-faults.test.ts. */
describe('search over a Redis queue (real redis-server, real worker processes)', () => {
  beforeAll(async () => {
    await buildOnce();
  }, 120_000);

  it('two workers train a search for real; results name their worker; weights come back', async () => {
    cluster.redis = await RedisServer.start();
    const url = cluster.redis.url;
    const runs = mkdtempSync(join(tmpdir(), 'unas-queue-'));
    // Weights through a shared folder from one worker, inline from the other (it has no such folder).
    const shared = mkdtempSync(join(tmpdir(), 'unas-shared-'));
    cluster.workers = await Promise.all([
      startWorker(url, { args: ['--backend', 'wasm', '--shared-dir', shared] }),
      startWorker(url, { args: ['--backend', 'wasm'] }),
    ]);
    const s = startSearch([
      FIXTURE,
      '--queue',
      url,
      '--runs',
      runs,
      '--budget',
      '4',
      '--workers',
      '2',
      '--no-final',
      '--shared-dir',
      shared,
    ]);
    const r = await s.done;
    expect(r.code, r.stderr).toBe(0);
    const { run, finished } = await expectComplete(s.events, 4);
    const trained = finished.filter((c) => c.status === 'trained');
    expect(trained).toHaveLength(4);
    // Both workers trained (two jobs in flight, one at a time each), and said so.
    expect(new Set(trained.map((c) => c.trainedBy))).toEqual(new Set(cluster.workers.map((w) => w.id)));
    for (const c of trained) expect(c.error).toBeLessThan(0.9);
    // The front's weights travelled back inline into the run folder.
    const front = [...run.events].reverse().find((e) => e.type === 'front');
    if (front?.type !== 'front') throw new Error('no front');
    for (const id of front.ids)
      expect(existsSync(join(run.dir, 'weights', String(id), 'weights.bin'))).toBe(true);
    // Moved out of the shared folder into the run folder (the coordinator is its only writer).
    expect(readdirSync(shared)).toHaveLength(1); // the run's folder, made by the worker that used it
    expect(readdirSync(shared).flatMap((d) => readdirSync(join(shared, d)))).toEqual([]);
    expect(s.events.some((e) => e.type === 'workers' && e.workers.length === 2)).toBe(true);
    // `unas front` names who trained each member.
    const shown = await cli(['front', run.dir], root);
    expect(shown.stdout).toContain('trained by');
    for (const id of front.ids) expect(shown.stdout).toContain(trained.find((c) => c.id === id)!.trainedBy!);
  });

  it('inheritance, three ASHA rungs and the final phase work over the queue', async () => {
    // Weights go both ways through Redis: the parent's with the child's job, the result's back.
    const { url, runs } = await cluster.start(2, { args: ['--backend', 'wasm'] });
    const fixture = join(__dirname, '../fixtures/search/tiny-mnist-power.unas');
    const s = startSearch([fixture, '--queue', url, '--runs', runs, '--workers', '2']);
    const r = await s.done;
    expect(r.code, r.stderr).toBe(0);
    const { run, finished } = await expectComplete(s.events, 10);
    const started = run.events.find((e) => e.type === 'run-started');
    if (started?.type !== 'run-started') throw new Error('no run-started');
    expect(started.convention).toBe('unas');
    const latest = new Map(finished.map((c) => [c.id, c]));
    const evaluated = [...latest.values()];
    // Children of trained parents started from their weights, carried inline by the job.
    const inherited = evaluated.filter((c) => c.inheritedFrom !== undefined);
    expect(inherited.length).toBeGreaterThan(0);
    for (const c of inherited) expect(c.id).toBeGreaterThan(c.inheritedFrom!);
    // Every candidate climbed the rungs: one error per rung trained, some stopped early, some reached the top.
    for (const c of evaluated) expect(c.rungErrors?.length ?? 0).toBeGreaterThan(0);
    expect(evaluated.some((c) => c.fidelity === 'low')).toBe(true);
    expect(evaluated.some((c) => c.fidelity === 'full' && c.rungErrors!.length === 3)).toBe(true);
    // The final phase: the best two, on both workers at once, each measured once on the test set.
    const at = run.events.findIndex((e) => e.type === 'final-started');
    const final = run.events[at];
    if (final?.type !== 'final-started') throw new Error('no final-started');
    expect(final.ids).toHaveLength(2);
    const after = run.events.slice(at);
    const firstMeasured = after.findIndex((e) => e.type === 'candidate-finished');
    const startedBefore = after.slice(0, firstMeasured).filter((e) => e.type === 'candidate-started');
    expect(startedBefore).toHaveLength(2);
    const measured = after.flatMap((e) =>
      e.type === 'candidate-finished' && e.candidate.testError !== undefined ? [e.candidate.id] : [],
    );
    expect(measured.sort()).toEqual([...final.ids].sort());
  });

  it('a worker killed mid-job: its job is retried on another, nothing lost or counted twice', async () => {
    const { url, runs } = await cluster.start(3, { stubMs: 300, args: ['--lock-ms', '1000'] });
    let victim: WorkerProcess | undefined;
    const s = startSearch([FIXTURE, '--queue', url, '--runs', runs, '--workers', '3', '--no-final'], (e) => {
      if (victim || e.type !== 'workers' || evaluatedIds(s.events).length < 2) return;
      const busy = e.workers.find((w) => w.jobs.length > 0);
      victim = cluster.workers.find((w) => w.id === busy?.id);
      victim?.proc.kill('SIGKILL');
    });
    const r = await s.done;
    expect(r.code, r.stderr).toBe(0);
    expect(victim).toBeDefined();
    const { finished } = await expectComplete(s.events, 12);
    expect(finished.filter((c) => c.status === 'trained')).toHaveLength(12);
  });

  it('a worker whose dataset differs refuses the job; the candidate fails with the reason', async () => {
    const { url } = await cluster.start(1, { args: ['--backend', 'wasm'] });
    const parsed = parseQueueUrl(url);
    if (!parsed.ok) throw new Error(parsed.error);
    const config = tinyConfig();
    const evaluator = new QueueEvaluator({
      url: parsed.url,
      run: 'feed',
      fingerprint: 'f'.repeat(64),
      attempts: 2,
      size: 1,
    });
    try {
      await evaluator.backend();
      const model = 'model m {\n input 28x28x1\n conv2d 4 k3 s2 relu\n flatten\n dense 10\n softmax\n}';
      const graph = graphOfModelText(model)!;
      const r = await evaluator.train({
        id: 1,
        graph,
        model,
        dataset: config.dataset,
        baseDir: root,
        train: config.train,
        seed: 1,
      });
      expect(r.status).toBe('failed');
      if (r.status === 'failed') {
        expect(r.reason).toMatch(/after 2 attempt\(s\)/);
        expect(r.reason).toMatch(/refused: the dataset on this worker differs from the coordinator's/);
      }
    } finally {
      await evaluator.close();
    }
  });

  it('a wrong password: search and worker stop at once and say why', async () => {
    cluster.redis = await RedisServer.start(['--requirepass', 'right-one']);
    const url = cluster.redis.url.replace('redis://', 'redis://:wrong@');
    const s = startSearch([FIXTURE, '--queue', url, '--runs', mkdtempSync(join(tmpdir(), 'unas-queue-'))]);
    const r = await s.done;
    expect(r.code).toBe(4);
    expect(s.events.at(-1)).toMatchObject({ type: 'run-finished', reason: 'failed', message: /WRONGPASS/ });
    expect(r.stderr).not.toContain('wrong');
    await expect(startWorker(url, { stubMs: 10 })).rejects.toThrow(
      /exited \(4\).*refuses this worker.*WRONGPASS/s,
    );
  });
});
