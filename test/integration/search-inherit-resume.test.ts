import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../server/src/engine/runs/run-store.js';
import { buildOnce } from '../support/build.js';
import { finishedIds, unasProcess } from '../support/cli-process.js';

const root = join(__dirname, '../..');

describe('search with weight inheritance: kill -9 and resume', () => {
  beforeAll(async () => {
    await buildOnce();
  }, 120_000);

  it('children start from their parents’ saved weights; a resumed run loses and repeats nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unas-inherit-'));
    const file = join(dir, 'tiny.unas');
    writeFileSync(
      file,
      readFileSync(join(root, 'test/fixtures/search/tiny-mnist.unas'), 'utf8')
        .replace('train { epochs 1 ', 'train { epochs 2 ')
        .replace(/\n}\s*$/, '\n  inherit { epochs 1 }\n}\n'),
    );
    const runs = join(dir, 'runs');
    const first = await unasProcess(['search', file, '--json', '--runs', runs, '--no-final'], 7);
    expect(first.signal).toBe('SIGKILL');
    const started = first.events.find((e) => e.type === 'run-started');
    if (started?.type !== 'run-started') throw new Error(`no run-started event; stderr: ${first.stderr}`);
    const before = finishedIds(first.events);

    const second = await unasProcess(['search', '--resume', started.run, '--json', '--no-final']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/trains from scratch/);
    const after = finishedIds(second.events);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    const all = [...before, ...after];
    expect(new Set(all).size).toBe(12);
    expect(all).toHaveLength(12);

    const run = await loadRun(started.run);
    const finished = run.events.flatMap((e) => (e.type === 'candidate-finished' ? [e.candidate] : []));
    expect(finishedIds(run.events).sort((a, b) => a - b)).toEqual([...all].sort((a, b) => a - b));
    const inherited = finished.filter((c) => c.inheritedFrom !== undefined);
    expect(inherited.length).toBeGreaterThan(0);
    for (const c of inherited) {
      // A child inherits from a trained parent, and trains the short schedule.
      expect(finished.find((p) => p.id === c.inheritedFrom)?.status).toBe('trained');
      expect(c.curve?.length).toBe(1);
    }
    // Possible parents keep their weights: every member of the saved population has them.
    const population = (run.state?.strategy as { population: { id: number }[] }).population;
    for (const m of population)
      expect(existsSync(join(started.run, 'weights', String(m.id), 'model.json'))).toBe(true);
  });
});
