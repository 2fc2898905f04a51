import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../server/src/engine/runs/run-store.js';
import { buildOnce } from '../support/build.js';
import { finishedIds, unasProcess } from '../support/cli-process.js';

const root = join(__dirname, '../..');
const fixture = join(root, 'test/fixtures/search/tiny-mnist.unas');

const unas = unasProcess;

describe('search: kill -9 and resume', () => {
  beforeAll(async () => {
    await buildOnce();
  }, 120_000);

  it('loses no completed candidate and evaluates none twice', async () => {
    const runs = mkdtempSync(join(tmpdir(), 'unas-runs-'));
    const first = await unas(['search', fixture, '--json', '--runs', runs, '--no-final'], 5);
    expect(first.signal).toBe('SIGKILL');
    const started = first.events.find((e) => e.type === 'run-started');
    if (started?.type !== 'run-started') throw new Error(`no run-started event; stderr: ${first.stderr}`);
    const dir = started.run;
    const before = finishedIds(first.events);
    expect(before.length).toBeGreaterThanOrEqual(5);

    const second = await unas(['search', '--resume', dir, '--json', '--no-final']);
    expect(second.code, second.stderr).toBe(0);
    const after = finishedIds(second.events);
    // Nothing evaluated twice, nothing lost, and the budget is met exactly.
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    const all = [...before, ...after];
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(12);
    // The journal on disk holds every result of both processes.
    const run = await loadRun(dir);
    expect(finishedIds(run.events).sort((a, b) => a - b)).toEqual([...all].sort((a, b) => a - b));
    expect(second.events.find((e) => e.type === 'run-started')).toMatchObject({ resumed: true });

    // "Re-train longer": one candidate on the whole training set, journalled with its test error.
    const trained = finishedIds(
      run.events.filter((e) => e.type === 'candidate-finished' && e.candidate.status === 'trained'),
    )[0]!;
    const retrain = await unas(['retrain', dir, '--candidate', String(trained), '--epochs', '1', '--json']);
    expect(retrain.code, retrain.stderr).toBe(0);
    const updated = retrain.events.find((e) => e.type === 'candidate-finished');
    expect(updated).toMatchObject({ candidate: { id: trained } });
    if (updated?.type === 'candidate-finished') expect(updated.candidate.testError).toBeLessThan(0.9);
    expect((await loadRun(dir)).events.at(-1)).toEqual(updated);
  });
});
