import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CandidateSummary, RunEvent } from '../../../../protocol/src/run-events.js';
import { resolveSearch } from '../../../../server/src/engine/config/resolve-search.js';
import type { SearchConfig } from '../../../../server/src/engine/config/search-config.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { RunStore } from '../../../../server/src/engine/runs/run-store.js';
import { runSearch, type Evaluator } from '../../../../server/src/engine/runs/search-runner.js';
import type { TrainJob, WireResult } from '../../../../server/src/engine/training/worker-protocol.js';

const fixture = readFileSync(join(__dirname, '../../../fixtures/search/tiny-mnist.unas'), 'utf8');

function config(extraStrategy = ''): SearchConfig {
  // Full training 3 epochs, so a 1-epoch cheap training is told apart.
  const a = analyze(
    fixture
      .replace('train { epochs 1 ', 'train { epochs 3 ')
      .replace('seed 5 }', `seed 5 ${extraStrategy} }`),
  );
  expect(a.diagnostics).toEqual([]);
  const r = resolveSearch(a.document, a.document.searches[0]!, '/tmp/x.unas');
  if (!r.ok) throw new Error(r.errors.join());
  return r.config;
}

/** No training: accuracy is a fixed function of the candidate and of how long it "trains". */
function stubEvaluator(): Evaluator & { jobs: TrainJob[] } {
  const jobs: TrainJob[] = [];
  return {
    jobs,
    size: 2,
    backend: async () => ({ name: 'cpu', reason: 'stub' }),
    cancel: () => undefined,
    train: async (job): Promise<WireResult> => {
      jobs.push(job);
      const base = 0.5 + ((job.id * 7919) % 40) / 100;
      const accuracy = Math.min(0.99, base + 0.02 * job.train.epochs);
      return { status: 'trained', accuracy, bestEpoch: job.train.epochs, curve: [accuracy], seconds: 0.01 };
    },
  };
}

async function run(c: SearchConfig) {
  const store = await RunStore.create(mkdtempSync(join(tmpdir(), 'unas-runner-')), c);
  const events: RunEvent[] = [];
  const evaluator = stubEvaluator();
  const summary = await runSearch({
    config: c,
    store,
    evaluator,
    baseDir: '/tmp',
    finalRetrain: false,
    onEvent: (e) => events.push(e),
  });
  store.close();
  const finished = events.flatMap((e) => (e.type === 'candidate-finished' ? [e.candidate] : []));
  return { summary, events, finished, jobs: evaluator.jobs };
}

describe('search runner', () => {
  it('evaluates exactly the budget, trains each candidate once, and reports the front', async () => {
    const r = await run(config());
    const trained = r.finished.filter((c) => c.status !== 'rejected');
    expect(trained).toHaveLength(12);
    expect(r.jobs).toHaveLength(12);
    expect(r.summary.reason).toBe('done');
    expect(trained.every((c) => c.fidelity === undefined)).toBe(true);
    expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', reason: 'done' });
    const lastFront = r.events.flatMap((e) => (e.type === 'front' ? [e.ids] : [])).at(-1) ?? [];
    expect(r.summary.front.map((c) => c.id)).toEqual([...lastFront]);
  });

  it('successive halving: a cheap training for all, full training only for the best half so far', async () => {
    const r = await run(config('halving epochs 1 subset 100 keep 50%'));
    const trained = r.finished.filter(
      (c): c is CandidateSummary & { lowFidelityError: number } =>
        c.status === 'trained' && c.lowFidelityError !== undefined,
    );
    expect(trained).toHaveLength(12);
    // Cheap jobs: 1 epoch on min(100, 300) images; full jobs: the file's settings.
    const cheap = r.jobs.filter((j) => j.train.epochs === 1);
    expect(cheap).toHaveLength(12);
    expect(cheap.every((j) => (j.dataset.spec as { subset?: number }).subset === 100)).toBe(true);
    const full = r.jobs.filter((j) => j.train.epochs !== 1);
    expect(full.map((j) => j.id).sort()).toEqual(
      trained
        .filter((c) => c.fidelity === 'full')
        .map((c) => c.id)
        .sort(),
    );
    // The rule, replayed in the order the cheap trainings came back (the stub answers in call order):
    // promoted iff within the best half of the cheap errors so far.
    const seen: number[] = [];
    for (const c of cheap.map((j) => trained.find((x) => x.id === j.id)!)) {
      seen.push(c.lowFidelityError);
      const sorted = [...seen].sort((a, b) => a - b);
      const cut = sorted[Math.max(1, Math.floor(0.5 * sorted.length)) - 1]!;
      expect([c.id, c.fidelity]).toEqual([c.id, c.lowFidelityError <= cut ? 'full' : 'low']);
    }
    expect(full.length).toBeGreaterThan(0);
    expect(full.length).toBeLessThan(12);
  });

  it('rejects a halving setting it cannot read, with its location', () => {
    const a = analyze(fixture.replace('seed 5 }', 'seed 5 halving keep 150% }'));
    expect(a.diagnostics.map((d) => d.message)).toEqual(['halving must be between 1% and 99%']);
  });
});
