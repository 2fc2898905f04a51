import * as tf from '@tensorflow/tfjs';
import type { ArchGraph, GraphNode } from '../../arch/graph.js';
import { structuredPrunable, unstructuredPrunable } from './prunable.js';
import { cubicSparsity, pruningWindow } from './schedule.js';
import type { PruningSpec } from './spec.js';
import { channelNorms, structuredKeep, unstructuredMasks } from './threshold.js';

/** The variables one mask covers: a kernel, plus (structured) the per-channel bias and batch-norm scale/shift. */
interface Target {
  readonly node: GraphNode;
  readonly kernel: tf.LayerVariable;
  /** Variables masked per output channel along with the kernel (structured only). */
  readonly perChannel: readonly tf.LayerVariable[];
  /** Output channels (structured) — the kernel's last axis. */
  readonly channels: number;
  kernelMask?: tf.Tensor;
  channelMask?: tf.Tensor;
  /** Structured: 1 = kept, per output channel. */
  keep?: Uint8Array;
  /** Unstructured: zeros in the kernel mask. */
  zeros?: number;
}

export interface PruningOutcome {
  readonly kind: PruningSpec['kind'];
  /** The spec's final target. */
  readonly target: number;
  /** Achieved: zeroed / prunable kernel weights. */
  readonly sparsity: number;
  readonly prunableWeights: number;
  readonly zeroedWeights: number;
  /** Structured: the output channels kept per pruned layer (graph node name → count). */
  readonly channels?: Readonly<Record<string, number>>;
}

function variable(layer: tf.layers.Layer, suffix: string): tf.LayerVariable | undefined {
  return layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`));
}

function layerOr(model: tf.LayersModel, name: string): tf.layers.Layer | undefined {
  try {
    return model.getLayer(name);
  } catch {
    return undefined;
  }
}

/**
 * Dynamic pruning with feedback on a tfjs model built by `buildModel` from `graph`. Each batch
 * computes the gradient at the masked weights W⊙M and applies it to the dense weights W (the
 * "feedback": a wrongly pruned weight keeps learning and can come back). Masks are recomputed by
 * global magnitude thresholding every `every` batches inside the window, following the cubic
 * ramp, and once more when the window ends so the final mask is at s_f exactly.
 */
export class DpfPruner {
  private readonly targets: Target[];
  private readonly t0: number;
  private readonly tn: number;
  private step = 0;
  private current = 0;
  private final = false;

  constructor(
    model: tf.LayersModel,
    graph: ArchGraph,
    private readonly spec: PruningSpec,
    epochs: number,
  ) {
    ({ t0: this.t0, tn: this.tn } = pruningWindow(spec.start, spec.end, epochs));
    const ids = spec.kind === 'structured' ? structuredPrunable(graph) : unstructuredPrunable(graph);
    this.targets = ids.map((id) => {
      const node = graph.nodes[id]!;
      const layer = model.getLayer(node.name);
      const kernel = variable(layer, node.op.kind === 'dwconv2d' ? 'depthwise_kernel' : 'kernel')!;
      const perChannel: tf.LayerVariable[] = [];
      if (spec.kind === 'structured') {
        const bias = variable(layer, 'bias');
        if (bias) perChannel.push(bias);
        const bn = layerOr(model, `${node.name}_bn`);
        for (const s of ['gamma', 'beta']) {
          const v = bn && variable(bn, s);
          if (v) perChannel.push(v);
        }
      }
      return { node, kernel, perChannel, channels: (kernel.shape as number[])[kernel.shape.length - 1]! };
    });
  }

  /** The target sparsity at progress `e` (epochs, fractional). */
  targetAt(e: number): number {
    return cubicSparsity(e, this.t0, this.tn, this.spec.sparsity);
  }

  /** Whether the masks are final after `epochsDone` whole epochs (only such epochs may be the "best"). */
  settled(epochsDone: number): boolean {
    return this.targets.length === 0 || this.spec.sparsity === 0 || epochsDone >= this.tn;
  }

  /** The sparsity the current masks were computed for. */
  get maskSparsity(): number {
    return this.current;
  }

  /** Call before each batch with the progress in epochs; updates the masks when they are due. */
  beforeBatch(e: number): void {
    const due =
      (e >= this.t0 && e < this.tn && this.step % this.spec.every === 0) || (e >= this.tn && !this.final);
    this.step++;
    if (!due || this.final || this.targets.length === 0) return;
    if (e >= this.tn) this.final = true;
    const s = this.targetAt(e);
    if (s <= 0 && !this.active) return;
    this.computeMasks(s);
  }

  /**
   * Call after each epoch with the epochs done: when the window has ended, the final masks (at s_f)
   * are computed now, before validation, even if no batch fell on the window's end.
   */
  endEpoch(epochsDone: number): void {
    if (this.final || this.targets.length === 0 || epochsDone < this.tn) return;
    this.final = true;
    this.computeMasks(this.spec.sparsity);
  }

  private get active(): boolean {
    return this.targets.some((t) => t.kernelMask || t.channelMask);
  }

  private computeMasks(sparsity: number): void {
    this.current = sparsity;
    const kernels = this.targets.map((t) => t.kernel.read().dataSync() as Float32Array);
    if (this.spec.kind === 'unstructured') {
      const masks = unstructuredMasks(kernels, sparsity);
      this.targets.forEach((t, i) => {
        t.kernelMask?.dispose();
        t.kernelMask = tf.keep(tf.tensor(masks[i]!, t.kernel.shape as number[]));
        t.zeros = masks[i]!.reduce((z, m) => z + (m === 0 ? 1 : 0), 0);
      });
      return;
    }
    const keep = structuredKeep(
      this.targets.map((t, i) => ({
        norms: channelNorms(kernels[i]!, t.channels),
        fanIn: kernels[i]!.length / t.channels,
      })),
      sparsity,
    );
    this.targets.forEach((t, i) => {
      t.keep = keep[i]!;
      t.channelMask?.dispose();
      t.channelMask = tf.keep(tf.tensor1d(Float32Array.from(keep[i]!)));
    });
  }

  private masked(): { v: tf.LayerVariable; mask: tf.Tensor }[] {
    const out: { v: tf.LayerVariable; mask: tf.Tensor }[] = [];
    for (const t of this.targets) {
      const m = t.kernelMask ?? t.channelMask;
      if (!m) continue;
      out.push({ v: t.kernel, mask: m });
      if (t.channelMask) for (const v of t.perChannel) out.push({ v, mask: t.channelMask });
    }
    return out;
  }

  /**
   * One optimiser step, DPF style: the loss and its gradient are computed at W⊙M, the update is
   * applied to W. Returns the loss (the caller disposes it). Without masks, a plain step.
   */
  minimize(optimizer: tf.Optimizer, loss: () => tf.Scalar): tf.Scalar {
    const masked = this.masked();
    if (!masked.length) return optimizer.minimize(loss, true)!;
    return tf.tidy(() => {
      const dense = masked.map(({ v }) => v.read().clone());
      masked.forEach(({ v, mask }, i) => v.write(dense[i]!.mul(mask)));
      const { value, grads } = optimizer.computeGradients(loss);
      masked.forEach(({ v }, i) => v.write(dense[i]!));
      optimizer.applyGradients(grads);
      return value;
    });
  }

  /** Runs `fn` with the masked weights in place (evaluation, snapshots), then puts the dense ones back. */
  async withMasks<T>(fn: () => Promise<T> | T): Promise<T> {
    const masked = this.masked();
    const dense = masked.map(({ v }) => v.read().clone());
    try {
      masked.forEach(({ v, mask }, i) =>
        tf.tidy(() => {
          v.write(dense[i]!.mul(mask));
        }),
      );
      return await fn();
    } finally {
      masked.forEach(({ v }, i) => v.write(dense[i]!));
      dense.forEach((d) => d.dispose());
    }
  }

  /** What the masks achieved, counted on the current masked weights. */
  outcome(): PruningOutcome {
    let prunable = 0;
    let zeroed = 0;
    const channels: Record<string, number> = {};
    for (const t of this.targets) {
      const size = (t.kernel.shape as number[]).reduce((a, b) => a * b, 1);
      prunable += size;
      zeroed += t.zeros ?? 0;
      if (t.keep) {
        const kept = t.keep.reduce((a, b) => a + b, 0);
        zeroed += (size / t.channels) * (t.channels - kept);
        channels[t.node.name] = kept;
      }
    }
    return {
      kind: this.spec.kind,
      target: this.spec.sparsity,
      sparsity: prunable ? zeroed / prunable : 0,
      prunableWeights: prunable,
      zeroedWeights: zeroed,
      ...(this.spec.kind === 'structured' ? { channels } : {}),
    };
  }

  /** Structured: the kept output channels of each pruned node (graph node id → channel indices). */
  keptChannels(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const t of this.targets) {
      if (!t.keep) continue;
      const idx: number[] = [];
      t.keep.forEach((k, c) => {
        if (k) idx.push(c);
      });
      if (idx.length < t.channels) out.set(t.node.id, idx);
    }
    return out;
  }

  dispose(): void {
    for (const t of this.targets) {
      t.kernelMask?.dispose();
      t.channelMask?.dispose();
    }
  }
}
