import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/src/run-events.js';
import { loadRun } from '../../server/src/engine/runs/run-store.js';
import { buildOnce } from '../support/build.js';
import { unasProcess } from '../support/cli-process.js';
import { idxBytes } from '../unit/engine/data/fixtures.js';

/** `count` 12×12 images whose label (i mod 10) is written as bright columns: easy to learn, harder with one filter. */
function learnableIdx(dir: string, prefix: string, count: number): void {
  const images = new Uint8Array(count * 144);
  for (let i = 0; i < count; i++)
    for (let p = 0; p < 144; p++) images[i * 144 + p] = p % 12 === i % 10 ? 255 : (i * 7 + p * 13) & 63;
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), idxBytes(0x803, [count, 12, 12], images));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), idxBytes(0x801, [count], labels));
}

/** A fresh folder with 400 training and 100 test images of {@link learnableIdx}. */
function learnableDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  learnableIdx(dir, 'train', 400);
  learnableIdx(dir, 't10k', 100);
  return dir;
}

/** Ids measured on the test set, in the order they were. */
const measured = (events: readonly RunEvent[]) =>
  events.flatMap((e) =>
    e.type === 'candidate-finished' && e.candidate.testError !== undefined ? [e.candidate.id] : [],
  );

describe('final phase with two real workers', () => {
  beforeAll(async () => {
    await buildOnce();
  }, 120_000);

  it('re-trains the best two on both workers at once, resumes after kill -9, measures each once', async () => {
    const dir = learnableDir('unas-final-');
    const file = join(dir, 'final.unas');
    writeFileSync(
      file,
      `search final_phase {
  dataset idx { path "."  input 12x12x1  classes 10  validation 10%  subset 200 }
  target nucleo-f746zg
  constraints { ram <= 8 KB  flash <= 16 KB }
  objectives error, macs
  space {
    blocks 1..2 { layers 1 { op conv2d  kernel 3  stride 2  channels 1..8 } }
    pool none
    dense 0..0
  }
  strategy evolution { population 4  sample 2  rounds 8  workers 2  seed 3 }
  baseline smallest, larger
  train { epochs 1  batch 32  optimizer adam  lr 0.01 }
  final { top 2  epochs 2 }
}

// The cheapest network of the space and a larger one: the front has a low-MACs end and an accurate end.
model smallest { input 12x12x1  conv2d 1 k3 s2 relu  flatten  dense 10  softmax }
model larger { input 12x12x1  conv2d 8 k3 s2 relu  conv2d 8 k3 s2 relu  flatten  dense 10  softmax }
`,
    );
    const runs = join(dir, 'runs');
    // Killed as soon as both members are training.
    const finalStarts = (ev: readonly RunEvent[]) => {
      const at = ev.findIndex((e) => e.type === 'final-started');
      return at < 0 ? [] : ev.slice(at).flatMap((e) => (e.type === 'candidate-started' ? [e.id] : []));
    };
    const first = await unasProcess(
      ['search', file, '--json', '--runs', runs],
      (ev) => finalStarts(ev).length >= 2,
    );
    expect(first.signal, first.stderr).toBe('SIGKILL');
    const started = first.events.find((e) => e.type === 'run-started');
    if (started?.type !== 'run-started') throw new Error(`no run-started event; stderr: ${first.stderr}`);
    const final = first.events.find((e) => e.type === 'final-started');
    if (final?.type !== 'final-started') throw new Error('no final-started event');
    expect(final.ids).toHaveLength(2);
    expect(final.epochs).toBe(2);
    // Both members started before either was measured: the two workers overlap.
    expect([...finalStarts(first.events)].sort()).toEqual([...final.ids].sort());
    const firstMeasurement = first.events.findIndex(
      (e) => e.type === 'candidate-finished' && e.candidate.testError !== undefined,
    );
    const lastStart = Math.max(
      ...first.events.map((e, i) => (e.type === 'candidate-started' && final.ids.includes(e.id) ? i : -1)),
    );
    if (firstMeasurement >= 0) expect(lastStart).toBeLessThan(firstMeasurement);
    // What the journal holds when the process dies (a fast member may have been measured meanwhile).
    const before = measured((await loadRun(started.run)).events);

    const second = await unasProcess(['search', '--resume', started.run, '--json']);
    expect(second.code, second.stderr).toBe(0);
    // Only members not yet measured train again; nothing of the search phase does.
    const retrained = second.events.flatMap((e) => (e.type === 'candidate-started' ? [e.id] : []));
    const again = second.events.find((e) => e.type === 'final-started');
    expect(again, JSON.stringify(second.events.slice(0, 6))).toMatchObject({ ids: final.ids });
    expect(retrained).toEqual(final.ids.filter((id) => !before.includes(id)));
    expect(retrained.length).toBeGreaterThan(0);
    // (Two workers: measured in whichever order they finish.)
    expect([...measured(second.events)].sort()).toEqual([...retrained].sort());
    // Each member measured exactly once, and no more than the bound.
    const all = measured((await loadRun(started.run)).events);
    expect([...all].sort()).toEqual([...final.ids].sort());
    expect((await loadRun(started.run)).events.at(-1)).toMatchObject({
      type: 'run-finished',
      reason: 'done',
    });
  });

  it('`retrain --warm` starts from the weights the search kept; without it, from scratch', async () => {
    const dir = learnableDir('unas-warm-');
    const file = join(dir, 'warm.unas');
    writeFileSync(
      file,
      `search warm {
  dataset idx { path "."  input 12x12x1  classes 10  validation 10% }
  constraints { ram <= 8 KB  flash <= 16 KB }
  space { blocks 1 { layers 1 { op conv2d  kernel 3  stride 2  channels 8 } }  pool none  dense 0..0 }
  strategy random { rounds 1  workers 1  seed 3 }
  baseline larger
  train { epochs 6  batch 32  optimizer adam  lr 0.01 }
}
model larger { input 12x12x1  conv2d 8 k3 s2 relu  flatten  dense 10  softmax }
`,
    );
    const search = await unasProcess(['search', file, '--json', '--runs', join(dir, 'runs'), '--no-final']);
    expect(search.code, search.stderr).toBe(0);
    const started = search.events.find((e) => e.type === 'run-started');
    if (started?.type !== 'run-started') throw new Error('no run-started event');
    const trained = search.events.flatMap((e) => (e.type === 'candidate-finished' ? [e.candidate] : []))[0]!;
    expect(1 - trained.error!).toBeGreaterThan(0.6);
    // A step far too small to move any weight: the first epoch shows where training started.
    const settings = join(started.run, 'settings.json');
    const config = JSON.parse(readFileSync(settings, 'utf8')) as { train: { lr: number } };
    writeFileSync(settings, JSON.stringify({ ...config, train: { ...config.train, lr: 1e-9 } }));
    const firstEpoch = async (extra: string[]) => {
      const r = await unasProcess([
        'retrain',
        started.run,
        '--candidate',
        String(trained.id),
        '--epochs',
        '1',
        '--json',
        ...extra,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const done = r.events.find((e) => e.type === 'candidate-finished');
      if (done?.type !== 'candidate-finished') throw new Error('no result');
      return 1 - done.candidate.finalError!;
    };
    const warm = await firstEpoch(['--warm']);
    const scratch = await firstEpoch([]);
    expect(warm).toBeGreaterThan(0.6);
    expect(scratch).toBeLessThan(0.35);
  });
});
