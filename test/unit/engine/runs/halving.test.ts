import { describe, expect, it } from 'vitest';
import type { CandidateSummary } from '../../../../protocol/src/run-events.js';
import { PromotionLadder, rungPlan } from '../../../../server/src/engine/runs/halving.js';
import { elapsedSeconds } from '../../../../server/src/engine/runs/resume.js';
import type { Evaluator } from '../../../../server/src/engine/runs/evaluator.js';
import type { WireResult } from '../../../../server/src/engine/training/worker-protocol.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { emptyRun, foldEvent } from '../../../../protocol/src/run-state.js';
import { progress } from '../../../../webview/src/selectors.js';
import { runTiny, stubEvaluator, tinyConfig, tinyMnist } from './runner-support.js';
import { trainedCandidate } from '../../../support/run-stream.js';

const subsetOf = (j: { dataset: { spec: unknown } }) => (j.dataset.spec as { subset?: number }).subset;

describe('successive halving (ASHA)', () => {
  it('plans rungs growing by 1/keep up to the full training', () => {
    const h = { epochs: 1, subset: 100, keep: 0.5, rungs: 4 };
    expect(rungPlan(h, { epochs: 8, subset: 1000 })).toEqual([
      { epochs: 1, subset: 100 },
      { epochs: 2, subset: 200 },
      { epochs: 4, subset: 400 },
      { epochs: 8, subset: 1000 },
    ]);
    // Capped at the full training; two rungs when the search does not say.
    expect(rungPlan({ ...h, rungs: 3, keep: 0.25 }, { epochs: 3 })).toEqual([
      { epochs: 1, subset: 100 },
      { epochs: 3, subset: 400 },
      { epochs: 3 },
    ]);
    expect(rungPlan({ epochs: 1, subset: 0, keep: 0.5 }, { epochs: 3 })).toHaveLength(2);
  });

  it('promotes within the best `keep` of each rung so far, and restores from candidates', () => {
    const l = new PromotionLadder(3, 0.5);
    expect([0.5, 0.4, 0.6, 0.3].map((e) => l.promote(0, e))).toEqual([true, true, false, true]);
    expect(l.promote(1, 0.2)).toBe(true);
    const again = new PromotionLadder(3, 0.5);
    const c = (rungErrors: number[]) => ({ rungErrors }) as unknown as CandidateSummary;
    again.restore([c([0.5]), c([0.4, 0.35]), c([0.6]), c([0.3, 0.2, 0.1])]);
    expect(again.counts()).toEqual([4, 2]);
  });

  it('trains each candidate up the rungs until it is not promoted; rungs run asynchronously', async () => {
    const r = await runTiny(
      tinyConfig({ strategy: 'halving epochs 1 subset 50 keep 50% rungs 3', epochs: 8 }),
    );
    const trained = r.finished.filter((c) => c.status === 'trained');
    expect(trained).toHaveLength(12);
    const rungOf = (j: (typeof r.jobs)[number]) => [1, 2, 8].indexOf(j.train.epochs);
    expect(r.jobs.every((j) => rungOf(j) >= 0)).toBe(true);
    expect(r.jobs.filter((j) => rungOf(j) === 0).every((j) => subsetOf(j) === 50)).toBe(true);
    expect(r.jobs.filter((j) => rungOf(j) === 1).every((j) => subsetOf(j) === 100)).toBe(true);
    expect(r.jobs.filter((j) => rungOf(j) === 2).every((j) => subsetOf(j) === 300)).toBe(true);
    for (const c of trained) {
      const rungs = r.jobs.filter((j) => j.id === c.id).map(rungOf);
      expect(rungs).toEqual([0, 1, 2].slice(0, rungs.length));
      expect(c.rungErrors).toHaveLength(rungs.length);
      expect(c.fidelity).toBe(rungs.length === 3 ? 'full' : 'low');
      expect(c.error).toBeCloseTo(c.rungErrors!.at(-1)!, 12);
    }
    // Replay the rule per rung, in the order results came back (the stub answers in call order).
    for (const k of [0, 1]) {
      const seen: number[] = [];
      for (const j of r.jobs.filter((x) => rungOf(x) === k)) {
        const c = trained.find((x) => x.id === j.id)!;
        const e = c.rungErrors![k]!;
        seen.push(e);
        const sorted = [...seen].sort((a, b) => a - b);
        const promoted = e <= sorted[Math.max(1, Math.floor(0.5 * sorted.length)) - 1]!;
        expect([c.id, k, c.rungErrors!.length > k + 1]).toEqual([c.id, k, promoted]);
      }
    }
    expect(r.jobs.some((j) => rungOf(j) === 2)).toBe(true);
    // No barrier between rungs: a promotion trains before the last rung-0 training starts.
    const firstUp = r.jobs.findIndex((j) => rungOf(j) > 0);
    const lastZero = r.jobs.map(rungOf).lastIndexOf(0);
    expect(firstUp).toBeLessThan(lastZero);
  });

  it('resumes a promoted candidate from the weights its previous rung saved', async () => {
    const stub = stubEvaluator();
    // Weights are "kept" for every training, as the worker pool reports it.
    const evaluator: Evaluator & { jobs: typeof stub.jobs } = {
      ...stub,
      train: async (job, onEpoch) => ({ ...(await stub.train(job, onEpoch)), saved: job.saveTo! }),
    };
    const r = await runTiny(
      tinyConfig({ strategy: 'halving epochs 1 subset 50 keep 50% rungs 3', epochs: 8 }),
      {
        evaluator,
      },
    );
    const climbed = r.finished.filter((c) => (c.rungErrors?.length ?? 0) > 1);
    expect(climbed.length).toBeGreaterThan(0);
    for (const c of climbed) {
      const [first, ...later] = r.jobs.filter((j) => j.id === c.id);
      expect(first!.inherit).toBeUndefined();
      for (const j of later) {
        expect(j.saveTo).toEqual(expect.any(String));
        expect(j.inherit?.from).toBe(j.saveTo);
        // Every weight-bearing layer resumes as itself.
        const weighted = j.graph.nodes.filter((n) => ['conv2d', 'dwconv2d', 'dense'].includes(n.op.kind));
        expect(j.inherit?.pairs).toEqual(
          expect.arrayContaining(weighted.map((n) => ({ child: n.name, parent: n.name }))),
        );
      }
    }
    // Without kept weights every rung trains from scratch.
    const plain = await runTiny(
      tinyConfig({ strategy: 'halving epochs 1 subset 50 keep 50% rungs 3', epochs: 8 }),
    );
    expect(plain.jobs.every((j) => j.inherit === undefined)).toBe(true);
  });

  it('reads `rungs` and reports a bad one with its location', () => {
    expect(tinyConfig({ strategy: 'halving rungs 4' }).strategy.halving).toEqual({
      epochs: 1,
      subset: 0,
      keep: 0.5,
      rungs: 4,
    });
    const text = tinyMnist.replace('seed 5 }', 'seed 5 halving rungs 1 }');
    const a = analyze(text);
    expect(a.diagnostics.map((d) => d.start)).toEqual([text.indexOf('1 }')]);
  });
});

describe('time budget', () => {
  it('starts no candidate once the budget is spent, then finishes normally', async () => {
    let t = Date.UTC(2026, 0, 1);
    const stub = stubEvaluator();
    // Each training "takes" 10 s of the injected clock.
    const evaluator: Evaluator & { jobs: typeof stub.jobs } = {
      ...stub,
      train: (job, onEpoch) => {
        t += 10_000;
        return stub.train(job, onEpoch);
      },
    };
    const config = tinyConfig({ strategy: 'time 45 s' });
    expect(config.strategy.time).toBe(45);
    const r = await runTiny(config, { evaluator, now: () => new Date(t), schedule: () => () => undefined });
    expect(r.events[0]).toMatchObject({
      type: 'run-started',
      deadline: new Date(Date.UTC(2026, 0, 1) + 45_000).toISOString(),
    });
    // Starts at t = 0, 10, 20, 30, 40 s; none at 50 s.
    expect(r.jobs).toHaveLength(5);
    expect(r.summary.evaluated).toBe(5);
    expect(r.summary.reason).toBe('done');
    expect(r.events.some((e) => e.type === 'log' && /time budget of 45 s/.test(e.message))).toBe(true);
    expect(tinyConfig({ strategy: 'time 2 min' }).strategy.time).toBe(120);
  });

  it('cancels the candidates in training at the deadline, then runs the final phase', async () => {
    const stub = stubEvaluator();
    let deadline: (() => void) | undefined;
    let delay = NaN;
    const pending = new Map<number, (r: WireResult) => void>();
    // Trainings 1–4 answer at once; from the fifth on they hang until cancelled, and the deadline
    // fires when the sixth starts (both workers busy).
    const evaluator: Evaluator & { jobs: typeof stub.jobs } = {
      ...stub,
      train: (job, onEpoch) => {
        if (job.test || stub.jobs.length < 4) return stub.train(job, onEpoch);
        stub.jobs.push(job);
        if (stub.jobs.length === 6) setImmediate(() => deadline!());
        return new Promise((resolve) => pending.set(job.id, resolve));
      },
      cancel: (id) => pending.get(id)?.({ status: 'cancelled', seconds: 0 }),
    };
    const config = tinyConfig({ strategy: 'time 2 min', search: 'final { top 1  epochs 2 }' });
    const r = await runTiny(config, {
      evaluator,
      finalRetrain: true,
      schedule: (ms, fn) => {
        delay = ms;
        deadline = fn;
        return () => undefined;
      },
    });
    expect(delay).toBeGreaterThan(119_000);
    expect(r.summary.evaluated).toBe(4);
    expect(r.jobs.filter((j) => !j.test)).toHaveLength(6);
    expect(r.events.some((e) => e.type === 'log' && /\(2 in training cancelled\)/.test(e.message))).toBe(
      true,
    );
    expect(r.jobs.filter((j) => j.test)).toHaveLength(1);
    expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', reason: 'done' });
  });

  it('shows the time left to the deadline when it comes before the rounds', () => {
    let run = emptyRun();
    const t0 = Date.UTC(2026, 0, 1);
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    run = foldEvent(run, {
      type: 'run-started',
      run: 'r',
      search: 's',
      budget: 1000,
      objectives: [],
      constraints: [],
      backend: 'cpu',
      workers: 1,
      resumed: false,
      time: at(0),
      deadline: at(600_000),
    });
    const c = trainedCandidate();
    run = foldEvent(run, { type: 'candidate-finished', candidate: c, time: at(60_000) });
    // 1 per minute would take 999 more minutes; the deadline is 9 minutes away.
    expect(progress(run).eta).toBe(540_000);
  });

  it('counts the wall time of earlier sessions from the journal', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();
    const started = (s: number) =>
      ({
        type: 'run-started',
        run: 'r',
        search: 's',
        budget: 1,
        objectives: [],
        constraints: [],
        backend: 'cpu',
        workers: 1,
        resumed: s > 0,
        time: at(s),
      }) as const;
    expect(
      elapsedSeconds([
        started(0),
        { type: 'candidate-started', id: 1, worker: 0, time: at(30) },
        { type: 'log', level: 'info', message: 'x' },
        started(1000),
        { type: 'run-finished', reason: 'done', time: at(1012) },
      ]),
    ).toBe(42);
  });
});
