import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Resources, RunEvent } from '../../../../protocol/src/run-events.js';
import {
  finalSelection,
  finalShare,
  memberTopology,
} from '../../../../server/src/engine/runs/final-phase.js';
import { withinAllLimits } from '../../../../server/src/engine/search/objectives.js';
import { loadRun, RunStore } from '../../../../server/src/engine/runs/run-store.js';
import type { Evaluator } from '../../../../server/src/engine/runs/evaluator.js';
import type { TrainJob } from '../../../../server/src/engine/training/worker-protocol.js';
import { runTiny, stubEvaluator, tinyConfig } from './runner-support.js';

const measured = (events: readonly RunEvent[]) =>
  events.flatMap((e) =>
    e.type === 'candidate-finished' && e.candidate.testError !== undefined ? [e.candidate.id] : [],
  );

describe('final phase', () => {
  const config = tinyConfig({ search: 'final { top 2  epochs 4 }' });

  it('re-trains the best `top` front members on every worker at once, longer, on the whole set', async () => {
    expect(config.final).toEqual({ top: 2, epochs: 4 });
    const r = await runTiny(config, { finalRetrain: true });
    expect(r.summary.front.length).toBeGreaterThan(2);
    const best = [...r.summary.front].sort((a, b) => a.error! - b.error! || a.id - b.id).slice(0, 2);
    const start = r.events.findIndex((e) => e.type === 'final-started');
    expect(r.events[start]).toMatchObject({ type: 'final-started', ids: best.map((c) => c.id), epochs: 4 });
    const tail = r.events.slice(start);
    // Both start before either finishes: the two workers overlap.
    const order = tail.flatMap((e) =>
      e.type === 'candidate-started'
        ? [`start ${e.id}`]
        : e.type === 'candidate-finished'
          ? [`end ${e.candidate.id}`]
          : [],
    );
    expect(order.slice(0, 2).sort()).toEqual(best.map((c) => `start ${c.id}`).sort());
    expect(order).toHaveLength(4);
    // Stops at its bound: exactly two measured, with the final settings.
    expect(measured(r.events)).toHaveLength(2);
    // The final training's own validation error is kept beside the test error (the stub's test
    // accuracy is its validation accuracy − 0.01).
    for (const e of r.events)
      if (e.type === 'candidate-finished' && e.candidate.testError !== undefined)
        expect(e.candidate.testError).toBeCloseTo(e.candidate.finalError! + 0.01, 12);
    const jobs = r.jobs.filter((j) => j.test);
    expect(jobs.map((j) => j.id)).toEqual(best.map((c) => c.id));
    expect(
      jobs.every((j) => j.train.epochs === 4 && (j.dataset.spec as { subset?: number }).subset === undefined),
    ).toBe(true);
    expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', reason: 'done' });
  });

  it('with `warm`, starts each member from the weights the search kept', async () => {
    const warm = tinyConfig({ search: 'final { top 2  epochs 4  warm }' });
    expect(warm.final).toEqual({ top: 2, epochs: 4, warm: true });
    // A training "keeps" its weights as the worker does: a model.json in its folder.
    const keeping = (): Evaluator & { jobs: TrainJob[] } => {
      const stub = stubEvaluator();
      return {
        ...stub,
        train: async (job, onEpoch) => {
          mkdirSync(job.saveTo!, { recursive: true });
          writeFileSync(join(job.saveTo!, 'model.json'), '{}');
          return { ...(await stub.train(job, onEpoch)), saved: job.saveTo! };
        },
      };
    };
    const r = await runTiny(warm, { finalRetrain: true, evaluator: keeping() });
    const finals = r.jobs.filter((j) => j.test);
    expect(finals).toHaveLength(2);
    for (const j of finals) {
      expect(j.inherit?.from).toBe(j.saveTo);
      expect(j.inherit?.pairs.length).toBeGreaterThan(0);
    }
    // The default trains from scratch.
    const cold = await runTiny(config, { finalRetrain: true, evaluator: keeping() });
    expect(cold.jobs.filter((j) => j.test)).toHaveLength(2);
    expect(cold.jobs.filter((j) => j.test).every((j) => j.inherit === undefined)).toBe(true);
  });

  it('resumes: members measured before the kill are not trained again', async () => {
    const first = await runTiny(config, { finalRetrain: true });
    const [done, left] = measured(first.events);
    // The kill: the journal ends right after the first measurement.
    const copy = mkdtempSync(join(tmpdir(), 'unas-final-'));
    cpSync(first.dir, copy, { recursive: true });
    const lines = readFileSync(join(first.dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    const cut = lines.findIndex((l) => l.includes('"testError"'));
    writeFileSync(join(copy, 'events.jsonl'), `${lines.slice(0, cut + 1).join('\n')}\n`);
    const resume = await loadRun(copy);
    const second = await runTiny(config, { finalRetrain: true, resume, store: RunStore.reopen(copy) });
    expect(second.jobs.map((j) => [j.id, j.test])).toEqual([[left, true]]);
    expect(second.events.find((e) => e.type === 'final-started')).toMatchObject({ ids: [done, left] });
    expect(second.summary.front.map((c) => c.id).sort()).toEqual(first.summary.front.map((c) => c.id).sort());
    expect(second.summary.front.filter((c) => c.testError !== undefined)).toHaveLength(2);
  });

  it('orders by validation error, then id, and honours top 0', () => {
    const c = (id: number, error: number) => ({ id, error }) as never;
    expect(finalSelection([c(1, 0.2), c(2, 0.1), c(3, 0.1), c(4, 0.3)], 3)).toEqual([2, 3, 1]);
    expect(finalSelection([c(1, 0.2)], 0)).toEqual([]);
  });

  it('prefers members within every limit, soft ones included, when there are any', () => {
    const soft = [{ metric: 'ram' as const, limit: 1000, mode: 'soft' as const }];
    const c = (id: number, error: number, ram: number) =>
      ({ id, error, resources: { ram, arena: ram, flash: 1000, macs: 1000, latency: 1 } }) as never;
    const within = (x: { error?: number; resources: Resources }) =>
      withinAllLimits(x.resources, x.error, soft);
    // The most accurate member is over the soft RAM limit: the best two within it are re-trained.
    const front = [c(1, 0.01, 5000), c(2, 0.05, 900), c(3, 0.04, 1000), c(4, 0.2, 10)];
    expect(finalSelection(front, 2, undefined, within)).toEqual([3, 2]);
    // None within: as before, the best by validation error.
    expect(finalSelection([c(1, 0.01, 5000), c(2, 0.05, 2000)], 1, undefined, within)).toEqual([1]);
  });

  it('with `knees`, adds the knee of the front in each resource', () => {
    // Error against RAM: 30% at 100 B, 8% at 200 B (the knee), 6% at 400 B, 5% at 800 B.
    const c = (id: number, error: number, ram: number) =>
      ({ id, error, resources: { ram, arena: ram, flash: 1000, macs: 1000, latency: 1 } }) as never;
    const front = [c(1, 0.3, 100), c(2, 0.08, 200), c(3, 0.06, 400), c(4, 0.05, 800)];
    expect(finalSelection(front, 1)).toEqual([4]);
    expect(finalSelection(front, 1, ['ram'])).toEqual([4, 2]);
    expect(finalSelection(front, 0, ['ram'])).toEqual([2]);
    expect(tinyConfig({ search: 'final { top 0  knees }' }).final).toEqual({
      top: 0,
      epochs: 3,
      knees: true,
    });
  });
});

describe('final phase: distinct topologies and a time bound', () => {
  const net = (conv: string, dense: number) =>
    `model m {\n  input 28x28x1\n  ${conv}\n  flatten\n  dense ${dense}\n  softmax\n}`;
  const member = (id: number, error: number, model: string) => ({ id, error, model }) as never;

  it('`distinct` takes the best of each topology: near-twins give way to a different network', () => {
    const front = [
      member(1, 0.02, net('conv2d 5 k7 s2 relu', 40)),
      // One width and one activation morphism from #1: the same topology.
      member(2, 0.021, net('conv2d 6 k7 s2', 41)),
      member(3, 0.03, net('conv2d 5 k5 s2 relu', 40)),
      member(4, 0.04, net('conv2d 5 k7 s1 relu', 40)),
    ];
    expect(finalSelection(front, 2)).toEqual([1, 2]);
    expect(finalSelection(front, 2, undefined, undefined, memberTopology)).toEqual([1, 3]);
    expect(finalSelection(front, 3, undefined, undefined, memberTopology)).toEqual([1, 3, 4]);
    // A model text that no longer parses is a topology of its own.
    const broken = [...front, member(5, 0.001, 'model ?')];
    expect(finalSelection(broken, 2, undefined, undefined, memberTopology)).toEqual([5, 1]);
    expect(memberTopology(member(5, 0, 'model ?'))).toBeUndefined();
  });

  it('a bounded phase gives each wave of trainings an equal share', () => {
    expect(finalShare(1020, 2, 2)).toBe(1020);
    expect(finalShare(1020, 3, 2)).toBe(510);
    expect(finalShare(1020, 4, 1)).toBe(255);
    expect(finalShare(1020, 0, 2)).toBe(1020);
  });

  it('passes each member its share of `time` and picks one per topology', async () => {
    const config = tinyConfig({ search: 'final { top 50  epochs 4  time 10 min  distinct }' });
    expect(config.final).toEqual({ top: 50, epochs: 4, time: 600, distinct: true });
    const r = await runTiny(config, { finalRetrain: true });
    const finals = r.jobs.filter((j) => j.test);
    // One wave per two members on the stub's two workers: each gets its share of the 600 s.
    const share = 600 / Math.ceil(finals.length / 2);
    expect(finals.every((j) => j.train.seconds === share && j.train.epochs === 4)).toBe(true);
    // The tiny front holds near-twins; only the best of each topology is re-trained.
    const keys = (ids: readonly number[]) =>
      ids.map((id) => memberTopology(r.summary.front.find((c) => c.id === id)!));
    const all = r.summary.front.map((c) => c.id);
    expect(new Set(keys(all)).size).toBeLessThan(all.length);
    const trained = finals.map((j) => j.id);
    expect(new Set(keys(trained)).size).toBe(trained.length);
    expect(new Set(keys(trained)).size).toBe(new Set(keys(all)).size);
    const log = r.events.find((e) => e.type === 'log' && e.message.startsWith('re-training'));
    expect(log).toMatchObject({ message: expect.stringContaining('one per topology') });
    expect(log).toMatchObject({ message: expect.stringContaining(`as many as fit in ${share} s each`) });
  });
});

describe('state and journal', () => {
  it('the snapshot on disk knows every candidate by the time its result is journalled', async () => {
    const config = tinyConfig({ search: 'inherit { epochs 1 }' });
    const store = await RunStore.create(mkdtempSync(join(tmpdir(), 'unas-state-')), config);
    const append = store.append.bind(store);
    const behind: number[] = [];
    // A kill right after this append would resume from the state.json on disk now.
    store.append = (e) => {
      append(e);
      if (e.type !== 'candidate-finished' || e.candidate.testError !== undefined) return;
      const state = JSON.parse(readFileSync(join(store.dir, 'state.json'), 'utf8')) as {
        strategy: { ledger: { nextId: number } };
      };
      // The first id the restored strategy would propose must be past every journalled one.
      if (state.strategy.ledger.nextId <= e.candidate.id) behind.push(e.candidate.id);
    };
    const r = await runTiny(config, { store });
    expect(r.finished.length).toBeGreaterThan(10);
    expect(behind).toEqual([]);
  });
});
