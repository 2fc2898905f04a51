import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunEvent } from '../../../../protocol/src/run-events.js';
import { resolveSearch } from '../../../../server/src/engine/config/resolve-search.js';
import type { SearchConfig } from '../../../../server/src/engine/config/search-config.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { RunStore } from '../../../../server/src/engine/runs/run-store.js';
import { runSearch, type RunSearchOptions } from '../../../../server/src/engine/runs/search-runner.js';
import type { Evaluator } from '../../../../server/src/engine/runs/evaluator.js';
import type { TrainJob, WireResult } from '../../../../server/src/engine/training/worker-protocol.js';

export const tinyMnist = readFileSync(join(__dirname, '../../../fixtures/search/tiny-mnist.unas'), 'utf8');

/** The tiny MNIST search with edits: `strategy` settings appended, other search statements added. */
export function tinyConfig(o: { strategy?: string; search?: string; epochs?: number } = {}): SearchConfig {
  const a = analyze(
    tinyMnist
      .replace('train { epochs 1 ', `train { epochs ${o.epochs ?? 3} `)
      .replace('seed 5 }', `seed 5 ${o.strategy ?? ''} }`)
      .replace(/\n}\s*$/, `\n  ${o.search ?? ''}\n}\n`),
  );
  expect(a.diagnostics).toEqual([]);
  const r = resolveSearch(a.document, a.document.searches[0]!, '/tmp/x.unas');
  if (!r.ok) throw new Error(r.errors.join());
  return r.config;
}

/**
 * No training: accuracy is a fixed function of the candidate and of how long it "trains"; each job
 * answers on a later turn of the event loop, so jobs given at once are in flight together.
 */
export function stubEvaluator(size = 2): Evaluator & { jobs: TrainJob[] } {
  const jobs: TrainJob[] = [];
  return {
    jobs,
    size,
    backend: async () => ({ name: 'cpu', reason: 'stub' }),
    cancel: () => undefined,
    train: async (job): Promise<WireResult> => {
      jobs.push(job);
      await new Promise<void>((r) => setImmediate(r));
      const base = 0.5 + ((job.id * 7919) % 40) / 100;
      const accuracy = Math.min(0.99, base + 0.02 * job.train.epochs);
      return {
        status: 'trained',
        accuracy,
        bestEpoch: job.train.epochs,
        curve: [accuracy],
        seconds: 0.01,
        ...(job.test ? { testAccuracy: accuracy - 0.01 } : {}),
      };
    },
  };
}

export async function runTiny(
  config: SearchConfig,
  extra: Partial<RunSearchOptions> & { evaluator?: Evaluator & { jobs: TrainJob[] } } = {},
) {
  const store = extra.store ?? (await RunStore.create(mkdtempSync(join(tmpdir(), 'unas-runner-')), config));
  const events: RunEvent[] = [];
  const evaluator = extra.evaluator ?? stubEvaluator();
  const summary = await runSearch({
    config,
    store,
    baseDir: '/tmp',
    finalRetrain: false,
    ...extra,
    evaluator,
    onEvent: (e) => events.push(e),
  });
  store.close();
  const finished = events.flatMap((e) => (e.type === 'candidate-finished' ? [e.candidate] : []));
  return { summary, events, finished, jobs: evaluator.jobs, dir: store.dir };
}
