import { createHash } from 'node:crypto';
import type { DatasetConfig, TrainConfig } from '../config/search-config.js';
import type { InheritPair } from '../search/inheritance.js';
import { pruningSpecError, type PruningSpec } from '../training/pruning/spec.js';
import type { EpochReport } from '../training/trainer.js';
import type { WireResult } from '../training/worker-protocol.js';

/**
 * What travels through the queue, typed once and checked at both ends: a job carries everything a
 * worker needs to reproduce a training (the model as `.unas` text, never code), a result carries
 * the outcome and the weights. Everything read from Redis is untrusted.
 */

/** The BullMQ queue every search and worker on one Redis shares. */
export const QUEUE_NAME = 'unas-training';
/** Worker heartbeats: `<prefix>:<host:pid>` keys that expire, and a set of their ids. */
export const WORKERS_KEY = 'unas:workers';
export const JOB_NAME = 'train';

/** How the trained weights come back. */
export type WeightsTransfer = 'none' | 'inline' | 'shared';

export interface QueueJobData {
  readonly v: 1;
  /** The run's id (see `runId`). */
  readonly run: string;
  readonly candidate: number;
  readonly model: string;
  readonly dataset: DatasetConfig;
  /** Folder the dataset's relative paths were resolved against on the coordinator. */
  readonly baseDir: string;
  readonly train: TrainConfig;
  readonly seed: number;
  readonly test?: boolean;
  /** SHA-256 of the coordinator's dataset (`datasetFingerprint`). */
  readonly fingerprint: string;
  readonly weights: WeightsTransfer;
  /** Weight inheritance: the parent's saved weights travel with the job (they are small). */
  readonly inherit?: { readonly pairs: readonly InheritPair[]; readonly files: WeightFiles };
  /** DPF pruning while training (the candidate's sparsity gene). */
  readonly pruning?: PruningSpec;
}

/** File name → base64 contents (`model.json`, `weights.bin`). */
export type WeightFiles = Readonly<Record<string, string>>;

export type TrainedWire = Extract<WireResult, { status: 'trained' }>;
export type FailedWire = Extract<WireResult, { status: 'failed' }>;

export type ReturnedWeights =
  | { readonly kind: 'inline'; readonly files: WeightFiles }
  /** A folder under the shared weights folder, relative to it. */
  | { readonly kind: 'shared'; readonly path: string };

export interface QueueJobResult {
  readonly v: 1;
  /** `host:pid` of the `unas worker` that trained it. */
  readonly worker: string;
  readonly result: TrainedWire | FailedWire;
  readonly weights?: ReturnedWeights;
}

/** A job's progress report: one epoch, and who trains it. */
export interface QueueProgress extends EpochReport {
  readonly worker: string;
}

export const WEIGHT_FILES = ['model.json', 'weights.bin'] as const;
/** Inline weights above this are refused (use a shared folder): Redis is no file store. */
export const MAX_INLINE_BYTES = 64 * 1024 * 1024;

/** A run's id on the queue: stable across resumes (its folder's name and settings), unique across runs. */
export function runId(folderName: string, settings: unknown): string {
  return createHash('sha256')
    .update(folderName)
    .update('\0')
    .update(JSON.stringify(settings))
    .digest('hex')
    .slice(0, 16);
}

/**
 * A job's id: the run, the candidate and a digest of what is trained (a cheap and a full training
 * of one candidate differ). The same request always maps to the same job, so a resumed
 * coordinator re-attaches to it instead of queueing it again (BullMQ ignores a duplicate id).
 */
export function jobIdOf(d: QueueJobData): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([d.model, d.dataset, d.train, d.seed, d.test ?? false, d.fingerprint, d.weights]))
    .update(d.inherit ? JSON.stringify(d.inherit) : '')
    .update(d.pruning ? JSON.stringify(d.pruning) : '')
    .digest('hex')
    .slice(0, 12);
  return `${d.run}-${d.candidate}-${digest}`;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): x is number =>
  typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown, max = 1_000_000): x is string => typeof x === 'string' && x.length <= max;
const DATASET_KINDS = ['mnist', 'fashion-mnist', 'cifar10', 'idx', 'images', 'audio'];

function checkDataset(d: unknown): string | undefined {
  if (!isObj(d)) return 'dataset';
  if (!isObj(d.spec) || !DATASET_KINDS.includes(d.spec.kind as string)) return 'dataset.spec';
  if (!Array.isArray(d.input) || d.input.length !== 3 || !d.input.every((n) => isInt(n, 1, 4096)))
    return 'dataset.input';
  if (!isInt(d.classes, 2, 65536)) return 'dataset.classes';
  if (!isObj(d.augment)) return 'dataset.augment';
  return undefined;
}

function checkTrain(t: unknown): string | undefined {
  if (!isObj(t)) return 'train';
  if (!isInt(t.epochs, 1, 100_000)) return 'train.epochs';
  if (!isInt(t.batch, 1, 1 << 20)) return 'train.batch';
  if (t.optimizer !== 'sgd' && t.optimizer !== 'adam') return 'train.optimizer';
  for (const k of ['lr', 'momentum', 'weightDecay', 'labelSmoothing'] as const)
    if (!isNum(t[k]) || (t[k] as number) < 0) return `train.${k}`;
  if (!isInt(t.earlyStop)) return 'train.earlyStop';
  if (t.seconds !== undefined && !(isNum(t.seconds) && t.seconds > 0)) return 'train.seconds';
  const s = t.schedule;
  if (!isObj(s) || !['constant', 'cosine', 'step'].includes(s.kind as string)) return 'train.schedule';
  if (
    s.kind === 'step' &&
    !(Array.isArray(s.steps) && s.steps.every((x) => isObj(x) && isInt(x.epoch) && isNum(x.lr)))
  )
    return 'train.schedule.steps';
  return undefined;
}

/** Checks a job read from the queue before anything acts on it. */
export function checkJobData(x: unknown): Checked<QueueJobData> {
  const bad = (f: string) => ({ ok: false as const, error: `job: bad or missing '${f}'` });
  if (!isObj(x)) return { ok: false, error: 'job: not an object' };
  if (x.v !== 1)
    return { ok: false, error: `job: unsupported version ${String(x.v)} (this worker speaks 1)` };
  if (!isStr(x.run, 64) || !/^[0-9a-f]+$/.test(x.run)) return bad('run');
  if (!isInt(x.candidate)) return bad('candidate');
  if (!isStr(x.model, 200_000) || !x.model.trim()) return bad('model');
  const d = checkDataset(x.dataset);
  if (d) return bad(d);
  if (!isStr(x.baseDir, 4096)) return bad('baseDir');
  const t = checkTrain(x.train);
  if (t) return bad(t);
  if (!isInt(x.seed)) return bad('seed');
  if (x.test !== undefined && typeof x.test !== 'boolean') return bad('test');
  if (!isStr(x.fingerprint, 64) || !/^[0-9a-f]{64}$/.test(x.fingerprint)) return bad('fingerprint');
  if (x.weights !== 'none' && x.weights !== 'inline' && x.weights !== 'shared') return bad('weights');
  if (x.inherit !== undefined) {
    const i = x.inherit;
    if (!isObj(i) || !Array.isArray(i.pairs) || i.pairs.length > 10_000 || !i.pairs.every(isPair))
      return bad('inherit.pairs');
    const f = checkFiles(i.files);
    if (f) return bad(`inherit.${f}`);
  }
  if (x.pruning !== undefined) {
    const p = x.pruning;
    if (!isObj(p) || pruningSpecError(p as unknown as PruningSpec)) return bad('pruning');
  }
  return { ok: true, value: x as unknown as QueueJobData };
}

/** What pruning reached, as a worker reports it (the coordinator rebuilds the smaller network from it). */
function isPruningOutcome(p: unknown): boolean {
  if (!isObj(p) || (p.kind !== 'structured' && p.kind !== 'unstructured')) return false;
  if (![p.target, p.sparsity].every((v) => isNum(v) && v >= 0 && v <= 1)) return false;
  if (!isInt(p.prunableWeights) || !isInt(p.zeroedWeights) || p.zeroedWeights > p.prunableWeights)
    return false;
  if (p.channels === undefined) return true;
  if (!isObj(p.channels)) return false;
  const entries = Object.entries(p.channels);
  return entries.length <= 10_000 && entries.every(([k, v]) => k.length <= 256 && isInt(v, 1, 1 << 20));
}

const isCurve = (c: unknown) => Array.isArray(c) && c.length <= 100_000 && c.every(isNum);

function checkWire(r: unknown): string | undefined {
  if (!isObj(r)) return 'result';
  if (!isNum(r.seconds) || r.seconds < 0) return 'result.seconds';
  if (!isCurve(r.curve)) return 'result.curve';
  if (r.status === 'trained') {
    if (!isNum(r.accuracy) || r.accuracy < 0 || r.accuracy > 1) return 'result.accuracy';
    if (r.pruning !== undefined && !isPruningOutcome(r.pruning)) return 'result.pruning';
    if (!isInt(r.bestEpoch)) return 'result.bestEpoch';
    if (r.testAccuracy !== undefined && (!isNum(r.testAccuracy) || r.testAccuracy < 0 || r.testAccuracy > 1))
      return 'result.testAccuracy';
    return undefined;
  }
  if (r.status === 'failed') return isStr(r.reason, 10_000) ? undefined : 'result.reason';
  return 'result.status';
}

const isShape = (x: unknown) =>
  x === undefined || (Array.isArray(x) && x.length <= 4 && x.every((n) => isInt(n)));
const isPair = (p: unknown) =>
  isObj(p) && isStr(p.child, 200) && isStr(p.parent, 200) && isShape(p.childMap) && isShape(p.parentMap);

function checkWeights(w: unknown): string | undefined {
  if (w === undefined) return undefined;
  if (!isObj(w)) return 'weights';
  if (w.kind === 'shared')
    return isStr(w.path, 1024) && /^[0-9a-f]+\/[0-9a-z-]+$/.test(w.path) ? undefined : 'weights.path';
  if (w.kind !== 'inline') return 'weights';
  const f = checkFiles(w.files);
  return f ? `weights.${f}` : undefined;
}

/** The weight files of a saved model, base64: only the two expected names, within the size limit. */
function checkFiles(files: unknown): string | undefined {
  if (!isObj(files)) return 'files';
  let total = 0;
  for (const [name, data] of Object.entries(files)) {
    if (!(WEIGHT_FILES as readonly string[]).includes(name))
      return `files (unexpected '${name.slice(0, 40)}')`;
    if (!isStr(data, MAX_INLINE_BYTES * 2) || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return `files.${name}`;
    total += data.length;
  }
  return total > (MAX_INLINE_BYTES * 4) / 3 + 8 ? 'files (too large)' : undefined;
}

/** Checks a result read from the queue before the coordinator journals it. */
export function checkJobResult(x: unknown): Checked<QueueJobResult> {
  const bad = (f: string) => ({ ok: false as const, error: `result: bad or missing '${f}'` });
  if (!isObj(x)) return { ok: false, error: 'result: not an object' };
  if (x.v !== 1) return { ok: false, error: `result: unsupported version ${String(x.v)}` };
  if (!isStr(x.worker, 300) || !/^[^\s:]+:\d+$/.test(x.worker)) return bad('worker');
  const r = checkWire(x.result);
  if (r) return bad(r);
  const w = checkWeights(x.weights);
  if (w) return bad(w);
  return { ok: true, value: x as unknown as QueueJobResult };
}

export function checkProgress(x: unknown): Checked<QueueProgress> {
  if (
    !isObj(x) ||
    !isStr(x.worker, 300) ||
    !isInt(x.epoch) ||
    !isInt(x.epochs) ||
    !isNum(x.loss) ||
    !isNum(x.accuracy)
  )
    return { ok: false, error: 'progress: not an epoch report' };
  return {
    ok: true,
    value: { worker: x.worker, epoch: x.epoch, epochs: x.epochs, loss: x.loss, accuracy: x.accuracy },
  };
}
