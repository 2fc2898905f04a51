import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/src/run-events.js';
import { loadRun } from '../../server/src/engine/runs/run-store.js';
import { buildOnce } from '../support/build.js';
import { unasProcess } from '../support/cli-process.js';
import { writeIdxPair } from '../unit/engine/data/fixtures.js';

/** Ids measured on the test set, in the order they were. */
const measured = (events: readonly RunEvent[]) =>
  events.flatMap((e) =>
    e.type === 'candidate-finished' && e.candidate.testError !== undefined ? [e.candidate.id] : [],
  );

describe('final phase with two real workers', () => {
  beforeAll(async () => {
    await buildOnce();
  }, 120_000);

  it('re-trains the best two on both workers at once, stops at its bound, and resumes after kill -9', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unas-final-'));
    writeIdxPair(dir, 'train', 400, 12, 12);
    writeIdxPair(dir, 't10k', 100, 12, 12);
    const file = join(dir, 'final.unas');
    writeFileSync(
      file,
      `search final_phase {
  dataset idx { path "."  input 12x12x1  classes 10  validation 10%  subset 200 }
  target nucleo-f746zg
  constraints { ram <= 8 KB  flash <= 16 KB }
  space {
    blocks 1..2 { layers 1 { op conv2d | dwconv2d  kernel 3  stride 2  channels 2..8 } }
    pool none
    dense 0..0
  }
  strategy evolution { population 4  sample 2  rounds 8  workers 2  seed 3 }
  train { epochs 1  batch 32  optimizer adam  lr 0.01 }
  final { top 2  epochs 2 }
}
`,
    );
    const runs = join(dir, 'runs');
    // Killed right after the first final measurement.
    const first = await unasProcess(
      ['search', file, '--json', '--runs', runs],
      (ev) => measured(ev).length >= 1,
    );
    expect(first.signal, first.stderr).toBe('SIGKILL');
    const started = first.events.find((e) => e.type === 'run-started');
    if (started?.type !== 'run-started') throw new Error(`no run-started event; stderr: ${first.stderr}`);
    const final = first.events.find((e) => e.type === 'final-started');
    if (final?.type !== 'final-started') throw new Error('no final-started event');
    expect(final.ids).toHaveLength(2);
    expect(final.epochs).toBe(2);
    // Both members start before either is measured: the two workers overlap.
    const tail = first.events.slice(first.events.indexOf(final));
    const firstMeasured = tail.findIndex((e) => e.type === 'candidate-finished');
    const startedBefore = tail
      .slice(0, firstMeasured)
      .flatMap((e) => (e.type === 'candidate-started' ? [e.id] : []));
    expect([...startedBefore].sort()).toEqual([...final.ids].sort());
    const [done] = measured(first.events);

    const second = await unasProcess(['search', '--resume', started.run, '--json']);
    expect(second.code, second.stderr).toBe(0);
    // Only the member not yet measured trains again; nothing of the search phase does.
    const retrained = second.events.flatMap((e) => (e.type === 'candidate-started' ? [e.id] : []));
    expect(retrained).toEqual(final.ids.filter((id) => id !== done));
    expect(measured(second.events)).toEqual(retrained);
    const run = await loadRun(started.run);
    expect([...new Set(measured(run.events))].sort()).toEqual([...final.ids].sort());
    expect(run.events.at(-1)).toMatchObject({ type: 'run-finished', reason: 'done' });
  });
});
