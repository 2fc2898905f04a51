import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { resolveSearch } from '../engine/config/resolve-search.js';
import type { SearchConfig } from '../engine/config/search-config.js';
import { checkDocument } from '../engine/checks/check-document.js';
import { defaultEnvironment } from '../engine/checks/environment.js';
import { missingDatasetPaths } from '../engine/data/dataset-paths.js';
import { loadRun, RunError, RunStore, type LoadedRun } from '../engine/runs/run-store.js';
import { runSearch, type Evaluator } from '../engine/runs/search-runner.js';
import type { BackendRequest } from '../engine/training/backend/index.js';
import { WorkerPool } from '../engine/training/worker-pool.js';
import { DatasetError } from '../engine/data/dataset.js';
import { openQueueEvaluator } from '../engine/distributed/coordinator.js';
import type { QueueUrl } from '../engine/distributed/queue-url.js';
import { frontTable } from './front-table.js';
import { EXIT, type CliIo } from './io.js';
import { createReporter } from './reporter.js';
import { formatDiagnostics, readSource } from './source.js';

export interface SearchArgs {
  readonly file?: string;
  readonly search?: string;
  readonly budget?: number;
  readonly resume?: string;
  readonly json: boolean;
  readonly runs?: string;
  readonly workers?: number;
  readonly backend: BackendRequest;
  /** Skip re-training the front at the end (tests, quick looks). */
  readonly noFinal: boolean;
  /** Train on `unas worker`s through this Redis queue instead of local processes. */
  readonly queue?: QueueUrl;
  /** With a queue: weights come back through this folder (shared with the workers) instead of inline. */
  readonly sharedDir?: string;
}

/** `unas search FILE [--search NAME] [--budget N]` and `unas search --resume DIR`. */
export async function searchCommand(args: SearchArgs, io: CliIo, signal?: AbortSignal): Promise<number> {
  let config: SearchConfig;
  let resume: LoadedRun | undefined;
  let store: RunStore | undefined;
  if (args.resume) {
    try {
      resume = await loadRun(resolve(io.cwd, args.resume));
    } catch (e) {
      io.stderr.write(`unas search: ${e instanceof RunError ? e.message : String(e)}\n`);
      return EXIT.input;
    }
    // Never re-use a candidate id or drop results silently: the journal is the record.
    if (resume.resumeProblem) {
      io.stderr.write(`unas search: cannot resume ${args.resume}: ${resume.resumeProblem}\n`);
      return EXIT.input;
    }
    for (const w of resume.warnings) io.stderr.write(`warning: ${w}\n`);
    config = resume.config;
    store = RunStore.reopen(resume.dir);
  } else {
    if (!args.file) {
      io.stderr.write('unas search: give a .unas file, or --resume RUN_FOLDER\n');
      return EXIT.usage;
    }
    const source = await readSource(io, args.file);
    if (!source) return EXIT.input;
    const { path, text } = source;
    // The errors `unas check` and the editor report (a space that cannot meet a hard limit is one).
    const { facts, findings } = checkDocument(text, defaultEnvironment(), path);
    const a = facts.analysis;
    const errors = findings.filter((d) => d.severity === 'error');
    if (errors.length) {
      io.stderr.write(formatDiagnostics(args.file, text, errors));
      io.stderr.write(`unas search: fix the errors above first\n`);
      return EXIT.findings;
    }
    const searches = a.document.searches;
    const s = args.search ? searches.find((x) => x.name.name === args.search) : searches[0];
    if (!s) {
      io.stderr.write(
        args.search
          ? `unas search: no search named '${args.search}' in ${args.file} (it has: ${searches.map((x) => x.name.name).join(', ') || 'none'})\n`
          : `unas search: ${args.file} has no search\n`,
      );
      return EXIT.usage;
    }
    const r = resolveSearch(a.document, s, path);
    if (!r.ok) {
      for (const e of r.errors) io.stderr.write(`unas search: ${e}\n`);
      return EXIT.findings;
    }
    config = r.config;
  }

  const baseDir = config.source ? dirname(config.source) : io.cwd;
  const missing = await missingDatasetPaths(config.dataset.spec, baseDir);
  if (missing.length) {
    for (const m of missing) io.stderr.write(`unas search: dataset not found: ${m}\n`);
    store?.close();
    return EXIT.input;
  }
  store ??= await RunStore.create(resolve(io.cwd, args.runs ?? join('.unas', 'runs')), config);
  const mode = args.json ? 'json' : io.stdout.isTTY ? 'tty' : 'plain';
  const report = createReporter(io, mode);
  const runStore = store;
  let pool: Evaluator & { close(): Promise<void> };
  if (args.queue) {
    try {
      pool = await openQueueEvaluator({
        url: args.queue,
        runDir: runStore.dir,
        config,
        baseDir,
        ...(args.sharedDir ? { sharedDir: resolve(io.cwd, args.sharedDir) } : {}),
        ...(args.workers ? { size: args.workers } : {}),
        onWorkers: (workers) => report({ type: 'workers', workers }),
        log: (m) => io.stderr.write(`${m}\n`),
      });
    } catch (e) {
      runStore.close();
      if (!(e instanceof DatasetError)) throw e;
      io.stderr.write(`unas search: the coordinator reads the dataset to fingerprint it: ${e.message}\n`);
      return EXIT.input;
    }
  } else {
    const workers = args.workers ?? (config.strategy.workers || availableParallelism());
    pool = new WorkerPool({ script: join(__dirname, 'worker.js'), workers, backend: args.backend });
  }
  try {
    const summary = await runSearch({
      config,
      store,
      evaluator: pool,
      onEvent: report,
      ...(signal ? { signal } : {}),
      ...(resume ? { resume } : {}),
      ...(args.budget ? { budget: args.budget } : {}),
      finalRetrain: !args.noFinal,
      baseDir,
    });
    // With --json the event stream is the whole output (its `front` and `run-finished` events end it).
    if (!args.json) {
      io.stdout.write(
        `\nPareto front (${summary.front.length} of ${summary.evaluated} evaluated; ${summary.screenedOut} trainings saved by the resource pre-screen; resources in the ${config.convention ?? 'tflm'} convention):\n`,
      );
      io.stdout.write(
        `${summary.front.length ? frontTable(summary.front) : '(empty: no feasible candidate yet)'}\n`,
      );
      io.stdout.write(`saved in ${relative(io.cwd, store.dir) || store.dir}\n`);
    }
    // Every candidate failing is a failed run, whatever the strategy made of it.
    if (summary.reason === 'done' && summary.evaluated > 0 && summary.front.length === 0) {
      io.stderr.write(`unas search: all ${summary.evaluated} evaluated candidates failed to train\n`);
      return EXIT.failed;
    }
    return summary.reason === 'failed' ? EXIT.failed : EXIT.ok;
  } finally {
    store.close();
    await pool.close();
  }
}
