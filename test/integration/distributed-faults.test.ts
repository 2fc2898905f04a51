import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../support/build.js';
import { expectComplete, FIXTURE, QueueCluster } from '../support/queue-cluster.js';
import { evaluatedIds, startSearch } from '../support/unas-process.js';

const cluster = new QueueCluster();
afterEach(() => cluster.stop());

/** Redis going away and the coordinator killed: the budget is met, no result lost or journalled twice. */
describe('search over a Redis queue: outages (real redis-server, real worker processes)', () => {
  beforeAll(async () => {
    await buildOnce();
  }, 120_000);

  it.each([
    ['restarted (its queue lost)', 'restart'],
    ['unreachable (frozen)', 'freeze'],
  ] as const)(
    'Redis %s for 5 s mid-run: the coordinator waits, nothing lost or counted twice',
    async (_, how) => {
      const { url, runs } = await cluster.start(2, { stubMs: 300, args: ['--lock-ms', '1000'] });
      const budget = how === 'restart' ? 12 : 8;
      let outage: Promise<void> | undefined;
      // The outage's length is the scenario, not a synchronisation.
      const fiveSeconds = () => new Promise((res) => setTimeout(res, 5000));
      const s = startSearch(
        [FIXTURE, '--queue', url, '--runs', runs, '--workers', '2', '--no-final', '--budget', String(budget)],
        (e) => {
          if (outage || e.type !== 'candidate-finished' || evaluatedIds(s.events).length < 4) return;
          if (how === 'restart')
            outage = cluster
              .redis!.stop()
              .then(fiveSeconds)
              .then(() => cluster.redis!.start());
          else {
            cluster.redis!.pause();
            outage = fiveSeconds().then(() => cluster.redis!.resume());
          }
        },
      );
      const r = await s.done;
      expect(r.code, r.stderr).toBe(0);
      expect(outage).toBeDefined();
      await outage;
      await expectComplete(s.events, budget);
    },
  );

  it('coordinator SIGKILLed and resumed: re-attaches to the jobs, journals each result once', async () => {
    const { url, runs } = await cluster.start(2, { stubMs: 300 });
    const first = startSearch(
      [FIXTURE, '--queue', url, '--runs', runs, '--workers', '2', '--no-final'],
      (e, p) => {
        if (e.type === 'candidate-finished' && evaluatedIds(first.events).length >= 5) p.kill('SIGKILL');
      },
    );
    expect((await first.done).signal).toBe('SIGKILL');
    const started = first.events.find((e) => e.type === 'run-started');
    if (started?.type !== 'run-started') throw new Error('no run-started event');
    const second = startSearch(['--resume', started.run, '--queue', url, '--workers', '2', '--no-final']);
    const r = await second.done;
    expect(r.code, r.stderr).toBe(0);
    const before = evaluatedIds(first.events);
    const after = evaluatedIds(second.events);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    await expectComplete([...first.events, ...second.events], 12);
    // Re-attached, not queued again: no job was trained twice.
    const jobs = cluster.workers.flatMap((w) =>
      w.output.flatMap((l) => /\(job (\S+)\)$/.exec(l)?.slice(1) ?? []),
    );
    expect(jobs.length).toBeGreaterThanOrEqual(12);
    expect(new Set(jobs).size).toBe(jobs.length);
  });
});
