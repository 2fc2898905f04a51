import * as tf from '@tensorflow/tfjs';
import { bundledMnistDir } from '../data/bundled-mnist.js';
import { loadDataset } from '../data/load-dataset.js';
import type { Dataset } from '../data/dataset.js';
import { datasetFingerprint } from '../data/fingerprint.js';
import { initTrainingBackend } from './backend/index.js';
import { pruningSpecError } from './pruning/spec.js';
import { saveTfjsModel } from './saved-model.js';
import { inheritWeights, readSavedWeights } from './inherit-weights.js';
import { trainCandidate } from './trainer.js';
import type { ParentToWorker, TrainJob, WorkerToParent } from './worker-protocol.js';

/**
 * A training worker process: one backend, one cached dataset, one candidate at a time. A crash or
 * a leak here costs one candidate, never the search or the editor.
 */
const send = (m: WorkerToParent) => process.send?.(m);
const datasets = new Map<string, Promise<Dataset>>();
const aborts = new Map<number, AbortController>();
let ready: Promise<void> | undefined;

function dataset(job: TrainJob): Promise<Dataset> {
  const key = JSON.stringify(job.dataset.spec);
  let d = datasets.get(key);
  if (!d) {
    const mnistDir = bundledMnistDir();
    d = loadDataset(job.dataset.spec, { baseDir: job.baseDir, ...(mnistDir ? { mnistDir } : {}) });
    datasets.set(key, d);
  }
  return d;
}

/** Why this worker must refuse a job whose dataset differs from the coordinator's, or undefined. */
function fingerprintMismatch(data: Dataset, expected: string): string | undefined {
  const local = datasetFingerprint(data);
  return local === expected
    ? undefined
    : `refused: the dataset on this worker differs from the coordinator's (fingerprint ${local.slice(0, 12)}, expected ${expected.slice(0, 12)}); every machine needs the same files at the same paths`;
}

/** A parent whose weights cannot be read costs the head start, not the candidate: it trains from scratch. */
async function inheritFrom(model: tf.LayersModel, job: TrainJob): Promise<void> {
  try {
    inheritWeights(model, await readSavedWeights(job.inherit!.from), job.inherit!.pairs);
  } catch (e) {
    process.stderr.write(
      `candidate ${job.id} trains from scratch: could not inherit its parent's weights (${e instanceof Error ? e.message : String(e)})\n`,
    );
  }
}

async function run(job: TrainJob): Promise<void> {
  await ready;
  const abort = new AbortController();
  aborts.set(job.id, abort);
  try {
    const bad = job.pruning && pruningSpecError(job.pruning);
    if (bad) throw new Error(bad);
    let data: Dataset;
    try {
      data = await dataset(job);
    } catch (e) {
      // This machine lacks the data (or has other data): another worker may have it.
      const reason = `this worker cannot load the dataset: ${e instanceof Error ? e.message : String(e)}`;
      send({
        type: 'result',
        id: job.id,
        result: { status: 'failed', reason, curve: [], seconds: 0, retryable: true },
      });
      return;
    }
    const mismatch = job.fingerprint !== undefined ? fingerprintMismatch(data, job.fingerprint) : undefined;
    if (mismatch) {
      send({
        type: 'result',
        id: job.id,
        result: { status: 'failed', reason: mismatch, curve: [], seconds: 0, retryable: true },
      });
      return;
    }
    const r = await trainCandidate(job.graph, data, job.train, {
      seed: job.seed,
      augmentation: job.dataset.augment,
      signal: abort.signal,
      onEpoch: (report) => send({ type: 'epoch', id: job.id, report }),
      ...(job.test ? { test: true } : {}),
      keepModel: Boolean(job.saveTo),
      ...(job.pruning ? { pruning: job.pruning } : {}),
      ...(job.inherit ? { init: (m: tf.LayersModel) => inheritFrom(m, job) } : {}),
    });
    if (r.status === 'trained' && r.model) {
      const { model, ...rest } = r;
      // Failing to keep the weights does not undo the training: the result stands, without `saved`.
      let saved = false;
      try {
        if (job.saveTo) {
          await saveTfjsModel(model, job.saveTo);
          saved = true;
        }
      } catch (e) {
        process.stderr.write(
          `could not save the weights of candidate ${job.id}: ${e instanceof Error ? e.message : String(e)}\n`,
        );
      } finally {
        model.dispose();
      }
      send({
        type: 'result',
        id: job.id,
        result: { ...rest, ...(saved && job.saveTo ? { saved: job.saveTo } : {}) },
      });
    } else {
      send({ type: 'result', id: job.id, result: r.status === 'trained' ? { ...r } : r });
    }
  } catch (e) {
    // A dataset that cannot load fails every job the same way: say so plainly.
    send({
      type: 'result',
      id: job.id,
      result: { status: 'failed', reason: e instanceof Error ? e.message : String(e), curve: [], seconds: 0 },
    });
  } finally {
    aborts.delete(job.id);
  }
}

process.on('message', (m: ParentToWorker) => {
  if (m.type === 'init') {
    ready = initTrainingBackend(m.backend, m.wasmDir ? { wasmDir: m.wasmDir } : {})
      .then((backend) => {
        send({ type: 'ready', backend });
      })
      .catch((e: unknown) => {
        send({
          type: 'fatal',
          message: `no training backend: ${e instanceof Error ? e.message : String(e)}`,
        });
        process.exit(1);
      });
  } else if (m.type === 'train') {
    void run(m.job);
  } else if (m.type === 'cancel') {
    aborts.get(m.id)?.abort();
  }
});
process.on('disconnect', () => process.exit(0));
// Ctrl-C in a terminal reaches the whole process group: the parent decides when training stops
// (a `unas worker` lets its candidates finish), and this process ends with it.
process.on('SIGINT', () => undefined);
