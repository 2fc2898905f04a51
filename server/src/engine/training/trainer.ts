import * as tf from '@tensorflow/tfjs';
import type { ArchGraph } from '../arch/graph.js';
import type { Augmentation } from '../data/augment.js';
import { allocateBatch, createBatchIterator } from '../data/batches.js';
import type { Dataset, Split } from '../data/dataset.js';
import type { TrainConfig } from '../config/search-config.js';
import type { Schedule } from '../language/ast.js';
import { buildModel } from './model-builder.js';
import { DpfPruner, type PruningOutcome } from './pruning/dpf.js';
import { copyShrunkWeights } from './pruning/shrink.js';
import { shrinkGraph } from './pruning/shrink-graph.js';
import type { PruningSpec } from './pruning/spec.js';

export interface EpochReport {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly accuracy: number;
}

export interface TrainOptions {
  readonly seed: number;
  readonly augmentation?: Augmentation;
  readonly signal?: AbortSignal;
  readonly onEpoch?: (r: EpochReport) => void;
  /** Also measure accuracy on the test split at the best epoch's weights (final front only). */
  readonly test?: boolean;
  /** Keep the trained model (caller disposes it); otherwise it is disposed here. */
  readonly keepModel?: boolean;
  /** DPF pruning during training; structured pruning returns the smaller network. */
  readonly pruning?: PruningSpec;
  /** Sets initial weights after the model is built (weight inheritance). */
  readonly init?: (model: tf.LayersModel) => Promise<void>;
}

export type TrainResult =
  | {
      readonly status: 'trained';
      /** Best validation accuracy over epochs (μNAS: val error = 1 − best-epoch accuracy). */
      readonly accuracy: number;
      readonly bestEpoch: number;
      readonly curve: readonly number[];
      readonly testAccuracy?: number;
      readonly seconds: number;
      readonly model?: tf.LayersModel;
      /** What pruning achieved (structured: the kept channels, so the caller can describe the smaller network). */
      readonly pruning?: PruningOutcome;
    }
  | {
      readonly status: 'failed';
      readonly reason: string;
      readonly curve: readonly number[];
      readonly seconds: number;
    }
  | { readonly status: 'cancelled'; readonly seconds: number };

/** Learning rate of `epoch` (0-based) under a schedule. */
export function learningRate(base: number, schedule: Schedule, epoch: number, epochs: number): number {
  switch (schedule.kind) {
    case 'constant':
      return base;
    case 'cosine':
      return base * 0.5 * (1 + Math.cos((Math.PI * epoch) / Math.max(1, epochs)));
    case 'step': {
      let lr = base;
      for (const s of schedule.steps) if (epoch + 1 >= s.epoch) lr = s.lr;
      return lr;
    }
  }
}

/**
 * The epochs that fit in `bound` seconds when `done` epochs took `elapsed` (validation included):
 * at least `done` (the schedule cannot end in the past), at most `max`.
 */
export function epochsWithin(bound: number, elapsed: number, done: number, max: number): number {
  const perEpoch = elapsed / Math.max(1, done);
  const fit = perEpoch > 0 ? Math.floor(bound / perEpoch) : max;
  return Math.min(max, Math.max(done, fit));
}

function makeOptimizer(cfg: TrainConfig, lr: number): tf.Optimizer {
  return cfg.optimizer === 'adam' ? tf.train.adam(lr) : tf.train.momentum(lr, cfg.momentum);
}

function setLearningRate(opt: tf.Optimizer, lr: number): void {
  // Both optimizers read `learningRate` on every step; tfjs exposes no setter for Adam.
  (opt as unknown as { learningRate: number }).learningRate = lr;
}

/**
 * Trains one candidate from scratch and measures its best validation accuracy. Never throws for
 * a bad candidate: NaN/Inf loss → `failed`; abort → `cancelled`. Leaves no tensors behind
 * (`tf.memory().numTensors` is back where it started unless `keepModel`).
 */
export async function trainCandidate(
  graph: ArchGraph,
  data: Dataset,
  cfg: TrainConfig,
  options: TrainOptions,
): Promise<TrainResult> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  let model = buildModel(graph, { weightDecay: cfg.weightDecay, seed: options.seed });
  await options.init?.(model);
  const pruner = options.pruning ? new DpfPruner(model, graph, options.pruning, cfg.epochs) : undefined;
  const batchesPerEpoch = Math.max(1, Math.ceil(data.train.size / cfg.batch));
  const optimizer = makeOptimizer(cfg, cfg.lr);
  const classes = data.classes;
  const smoothing = cfg.labelSmoothing;
  const curve: number[] = [];
  let best = -1;
  let bestEpoch = -1;
  let bestWeights: tf.Tensor[] | undefined;
  const iterator = createBatchIterator(data.train, {
    batchSize: cfg.batch,
    seed: options.seed,
    ...(options.augmentation ? { augmentation: options.augmentation } : {}),
  });
  const buffers = allocateBatch(data.inputShape, cfg.batch);
  const [h, w, c] = data.inputShape;
  const finish = (r: TrainResult): TrainResult => {
    bestWeights?.forEach((t) => t.dispose());
    optimizer.dispose();
    pruner?.dispose();
    if (r.status !== 'trained' || !options.keepModel) model.dispose();
    return r;
  };

  // A time bound sets the schedule's length from the mean epoch time so far (not with pruning: its
  // sparsity ramp is laid out over `cfg.epochs`).
  let epochs = cfg.epochs;
  const bound = cfg.seconds !== undefined && !pruner ? cfg.seconds : undefined;
  const loopStart = performance.now();
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      setLearningRate(optimizer, learningRate(cfg.lr, cfg.schedule, epoch, epochs));
      let lossSum = 0;
      let seen = 0;
      let batch = 0;
      for (const n of iterator.batches(epoch, buffers)) {
        if (options.signal?.aborted) return finish({ status: 'cancelled', seconds: seconds() });
        pruner?.beforeBatch(epoch + batch++ / batchesPerEpoch);
        const loss = tf.tidy(() => {
          const x = tf.tensor4d(buffers.inputs.subarray(0, n * h * w * c), [n, h, w, c]);
          const y = tf.oneHot(tf.tensor1d(buffers.labels.subarray(0, n), 'int32'), classes).toFloat();
          const target = smoothing ? y.mul(1 - smoothing).add(smoothing / classes) : y;
          const lossOf = () => {
            const p = (model.apply(x, { training: true }) as tf.Tensor).clipByValue(1e-7, 1);
            const ce = target.mul(p.log()).sum(-1).neg().mean();
            const reg = model.losses.length ? tf.addN(model.losses.map((f) => f())) : undefined;
            return (reg ? ce.add(reg) : ce) as tf.Scalar;
          };
          return pruner ? pruner.minimize(optimizer, lossOf) : optimizer.minimize(lossOf, true)!;
        });
        const value = (await loss.data())[0]!;
        loss.dispose();
        if (!Number.isFinite(value))
          return finish({
            status: 'failed',
            reason: `training diverged: loss is ${value} in epoch ${epoch + 1}`,
            curve,
            seconds: seconds(),
          });
        lossSum += value * n;
        seen += n;
        // Let cancellation and IPC messages through between batches.
        await new Promise<void>((r) => setImmediate(r));
      }
      // A clipped loss can stay finite while the weights run off to Inf/NaN: check them too.
      if (await hasNonFinite(model))
        return finish({
          status: 'failed',
          reason: `training diverged: weights became NaN/Inf in epoch ${epoch + 1}`,
          curve,
          seconds: seconds(),
        });
      pruner?.endEpoch(epoch + 1);
      const validate = () => evaluate(model, data.validation, data, cfg.batch);
      // Pruned: the masked network is the candidate; only epochs with final masks may be its best.
      const accuracy = pruner ? await pruner.withMasks(validate) : await validate();
      const eligible = pruner?.settled(epoch + 1) ?? true;
      curve.push(accuracy);
      if (bound !== undefined)
        epochs = epochsWithin(bound, (performance.now() - loopStart) / 1000, epoch + 1, cfg.epochs);
      options.onEpoch?.({
        epoch: epoch + 1,
        epochs,
        loss: lossSum / Math.max(1, seen),
        accuracy,
      });
      if (eligible && accuracy > best) {
        best = accuracy;
        bestEpoch = epoch + 1;
        bestWeights?.forEach((t) => t.dispose());
        const snapshot = () => model.getWeights().map((t) => t.clone());
        bestWeights = pruner ? await pruner.withMasks(snapshot) : snapshot();
      }
      if (cfg.earlyStop && bestEpoch > 0 && epoch + 1 - bestEpoch >= cfg.earlyStop) break;
    }
    if (bestWeights) model.setWeights(bestWeights);
    const pruning = pruner?.outcome();
    const keep = options.pruning?.kind === 'structured' ? pruner!.keptChannels() : undefined;
    if (keep?.size) {
      // The removed channels go: the candidate is the smaller network, with the same outputs.
      const small = buildModel(shrinkGraph(graph, keep), {
        weightDecay: cfg.weightDecay,
        seed: options.seed,
      });
      copyShrunkWeights(graph, keep, model, small);
      model.dispose();
      model = small;
    }
    const testAccuracy = options.test ? await evaluate(model, data.test, data, cfg.batch) : undefined;
    return finish({
      status: 'trained',
      accuracy: Math.max(0, best),
      bestEpoch,
      curve,
      seconds: seconds(),
      ...(testAccuracy !== undefined ? { testAccuracy } : {}),
      ...(options.keepModel ? { model } : {}),
      ...(pruning ? { pruning } : {}),
    });
  } catch (e) {
    return finish({
      status: 'failed',
      reason: e instanceof Error ? e.message : String(e),
      curve,
      seconds: seconds(),
    });
  }
}

async function hasNonFinite(model: tf.LayersModel): Promise<boolean> {
  const flag = tf.tidy(() => tf.stack(model.getWeights().map((w) => w.isFinite().logicalNot().any())).any());
  const v = (await flag.data())[0];
  flag.dispose();
  return v === 1;
}

/** Top-1 accuracy on a split, in batches, without augmentation. */
export async function evaluate(
  model: tf.LayersModel,
  split: Split,
  data: Dataset,
  batchSize: number,
): Promise<number> {
  if (split.size === 0) return 0;
  const it = createBatchIterator(split, { batchSize, seed: 0, shuffle: false });
  const buffers = allocateBatch(data.inputShape, batchSize);
  const [h, w, c] = data.inputShape;
  let correct = 0;
  for (const n of it.batches(0, buffers)) {
    const pred = tf.tidy(() => {
      const x = tf.tensor4d(buffers.inputs.subarray(0, n * h * w * c), [n, h, w, c]);
      return (model.predict(x) as tf.Tensor).argMax(-1);
    });
    const p = await pred.data();
    pred.dispose();
    for (let i = 0; i < n; i++) if (p[i] === buffers.labels[i]) correct++;
  }
  return correct / split.size;
}
