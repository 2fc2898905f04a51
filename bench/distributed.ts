/**
 * Scale-out over BullMQ on a real redis-server: 1, 2, 4, 8 and 16 `unas worker` processes on this
 * machine, each "training" with the stub trainer (a fixed wait), the coordinator running the real
 * search loop (journal, snapshots) on the queue evaluator. Target: throughput with W workers
 * ≥ 0.9 × W × the 1-worker rate; coordination overhead per candidate (slot time not spent
 * training) < 5 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { WorkerSummary } from '../protocol/src/run-events.js';
import { resolveSearch } from '../server/src/engine/config/resolve-search.js';
import { QueueEvaluator } from '../server/src/engine/distributed/queue-evaluator.js';
import { parseQueueUrl } from '../server/src/engine/distributed/queue-url.js';
import { analyze } from '../server/src/engine/language/analyze.js';
import { RunStore } from '../server/src/engine/runs/run-store.js';
import { runSearch } from '../server/src/engine/runs/search-runner.js';
import { graphOfModelText } from '../server/src/engine/search/model-text.js';
import type { SearchConfig } from '../server/src/engine/config/search-config.js';
import { RedisServer } from '../test/harness/redis-server.js';
import { summarize } from './timing.js';

const STUB_MS = 200;
const PER_WORKER = 20;
const WORKER_COUNTS = [1, 2, 4, 8, 16];

const SEARCH = `search bench {
  dataset mnist { subset 300  validation 2% }
  target nucleo-f746zg
  constraints { ram <= 64 KB  flash <= 256 KB }
  space {
    blocks 1..3 { layers 1..2 { op conv2d | dwconv2d  kernel 3  stride 1..2  channels 2..16 } }
    pool none
    dense 0..0
  }
  strategy evolution { population 8  sample 4  rounds 1000  seed 11 }
  train { epochs 1  batch 64 }
}`;

function startWorker(cli: string, url: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [cli, 'worker', '--queue', url, '--concurrency', '1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, UNAS_STUB_TRAINER_MS: String(STUB_MS) },
  });
  return new Promise((res, rej) => {
    proc.once('exit', (c) => rej(new Error(`worker exited with ${c}`)));
    createInterface({ input: proc.stdout }).on('line', (l) => {
      if (l.includes('waiting for candidates')) res(proc);
    });
  });
}

async function stopAll(procs: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((res) => {
          if (p.exitCode !== null || p.signalCode !== null) return res();
          p.once('exit', () => res());
          p.kill('SIGKILL');
        }),
    ),
  );
}

export async function benchDistributed(): Promise<Record<string, unknown>> {
  const a = analyze(SEARCH);
  const resolved = resolveSearch(a.document, a.document.searches[0]!, join(tmpdir(), 'bench.unas'));
  if (!resolved.ok) throw new Error(resolved.errors.join('; '));
  const config = resolved.config;
  const redis = await RedisServer.start();
  const parsed = parseQueueUrl(redis.url);
  if (!parsed.ok) throw new Error(parsed.error);
  const cli = join(__dirname, 'cli.js');
  const rows: Record<string, unknown>[] = [];
  const rate1 = { queue: 0, search: 0 };
  try {
    for (const w of WORKER_COUNTS) {
      const procs = await Promise.all(Array.from({ length: w }, () => startWorker(cli, redis.url)));
      const root = mkdtempSync(join(tmpdir(), 'unas-bench-queue-'));
      let allThere!: () => void;
      const connected = new Promise<void>((res) => (allThere = res));
      const evaluator = new QueueEvaluator({
        url: parsed.url,
        run: `b${w}`.replace(/[^0-9a-f]/g, 'b'),
        fingerprint: '0'.repeat(64),
        size: w,
        pollMs: 250,
        onWorkers: (ws: readonly WorkerSummary[]) => {
          if (ws.length >= w) allThere();
        },
      });
      try {
        await connected;
        const budget = w * PER_WORKER;
        // Warm-up (JIT, connections): each worker's first jobs are slower and are not measured.
        await driveQueue(evaluator, w, 3 * w, config);
        // The queue alone: W trainings kept in flight, nothing written.
        const latencies: number[] = [];
        const q = await timed(w, () => driveQueue(evaluator, w, budget, config, latencies));
        // The whole search loop, whose journal fsyncs every event (run-folder durability).
        const store = await RunStore.create(root, config);
        const s = await timed(w, async () => {
          const summary = await runSearch({
            config,
            store,
            evaluator,
            budget,
            finalRetrain: false,
            baseDir: tmpdir(),
          });
          return summary.evaluated;
        });
        store.close();
        if (w === 1) {
          rate1.queue = q.perSecond;
          rate1.search = s.perSecond;
        }
        rows.push({
          workers: w,
          queue: {
            ...q.row,
            efficiency: round(q.perSecond / (w * rate1.queue), 3),
            jobOverheadMs: summarize(latencies),
          },
          search: { ...s.row, efficiency: round(s.perSecond / (w * rate1.search), 3) },
        });
      } finally {
        await evaluator.close();
        await stopAll(procs);
        rmSync(root, { recursive: true, force: true });
      }
    }
  } finally {
    await redis.stop();
  }
  const eff = (k: 'queue' | 'search') =>
    Math.min(...rows.map((r) => (r[k] as { efficiency: number }).efficiency));
  const over = (k: 'queue' | 'search') =>
    Math.max(...rows.map((r) => (r[k] as { overheadMsPerCandidate: number }).overheadMsPerCandidate));
  return {
    stubMs: STUB_MS,
    rows,
    target:
      'queue: throughput ≥ 0.9 × workers × the 1-worker rate; goal: median coordination time per job < 5 ms',
    queue: {
      worstEfficiency: eff('queue'),
      worstOverheadMs: over('queue'),
      worstMedianJobOverheadMs: Math.max(
        ...rows.map((r) => (r.queue as { jobOverheadMs: { median: number } }).jobOverheadMs.median),
      ),
    },
    search: { worstEfficiency: eff('search'), worstOverheadMs: over('search') },
    met: eff('queue') >= 0.9,
    overheadGoalMet:
      Math.max(...rows.map((r) => (r.queue as { jobOverheadMs: { median: number } }).jobOverheadMs.median)) <
      5,
  };
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Throughput of `w` slots over `run` (which returns how many candidates it evaluated). */
async function timed(w: number, run: () => Promise<number>) {
  const t0 = performance.now();
  const n = await run();
  const wall = (performance.now() - t0) / 1000;
  const perSecond = n / wall;
  // Each slot is busy STUB_MS per candidate; the rest of its time is coordination.
  const overheadMs = (w * wall * 1000) / n - STUB_MS;
  return {
    perSecond,
    row: {
      candidates: n,
      seconds: round(wall, 3),
      perSecond: round(perSecond),
      overheadMsPerCandidate: round(overheadMs),
    },
  };
}

let nextId = 1_000_000;

/** Keeps `w` trainings of one small model in flight on the evaluator until `n` are done. */
async function driveQueue(
  evaluator: QueueEvaluator,
  w: number,
  n: number,
  config: SearchConfig,
  /** Receives each job's coordination time: from the request to its result, less the training. */
  latencies?: number[],
): Promise<number> {
  const model = 'model m {\n input 28x28x1\n conv2d 4 k3 s2 relu\n flatten\n dense 10\n softmax\n}';
  const graph = graphOfModelText(model)!;
  let started = 0;
  let done = 0;
  const one = async (): Promise<void> => {
    while (started < n) {
      const id = nextId++;
      started++;
      const t0 = performance.now();
      const r = await evaluator.train({
        id,
        graph,
        model,
        dataset: config.dataset,
        baseDir: tmpdir(),
        train: config.train,
        seed: id,
      });
      if (r.status !== 'trained') throw new Error(`job ${id}: ${r.status}`);
      latencies?.push(performance.now() - t0 - r.seconds * 1000);
      done++;
    }
  };
  await Promise.all(Array.from({ length: w }, one));
  return done;
}
