import type { Padding, PoolType, Shape } from './graph.js';

/**
 * A search space in the μNAS family, resolved from the language: every field is concrete (defaults
 * applied, units converted). Samplers, morphisms and the space-bounds estimator read only this.
 */

export interface IntRange {
  readonly min: number;
  readonly max: number;
}
/** A discrete choice; weights are normalised to sum to 1. */
export interface Weighted<T> {
  readonly value: T;
  readonly weight: number;
}

export type LayerType = 'conv2d' | 'conv1x1' | 'dwconv2d';

export interface LayerSpace {
  readonly types: readonly Weighted<LayerType>[];
  /** Square kernel sizes for conv2d / dwconv2d (conv1x1 is always 1). */
  readonly kernels: readonly Weighted<number>[];
  /** Strides for conv2d / dwconv2d (conv1x1 is always 1). */
  readonly strides: readonly Weighted<number>[];
  /** Output channels of conv2d / conv1x1 (a depthwise conv keeps its input's). */
  readonly channels: IntRange;
  readonly padding: readonly Weighted<Padding>[];
  /** Probability of a max pool before the conv, and its size. */
  readonly prepool: { readonly probability: number; readonly size: number };
  readonly batchnorm: number;
  /** Probability of a fused ReLU. */
  readonly relu: number;
}

export interface FinalPool {
  readonly type: PoolType;
  readonly size: number;
}

/**
 * DPF pruning in a search (μNAS): each candidate carries a sparsity gene drawn from `sparsity`
 * and mutated by N(0, 0.05), and trains with that target over the epoch window.
 */
export interface PruningSpace {
  readonly kind: 'structured' | 'unstructured';
  /** The sparsity gene's range (fractions). */
  readonly sparsity: { readonly min: number; readonly max: number };
  /** The pruning window, 1-based epochs: from the start of `start` to the end of `end`. */
  readonly start: number;
  readonly end: number;
  /** Batches between mask updates (μNAS: 16). */
  readonly every: number;
}

export interface SearchSpace {
  readonly input: Shape;
  readonly classes: number;
  /** Number of conv blocks. */
  readonly blocks: IntRange;
  /** Conv layers per block. */
  readonly layers: IntRange;
  readonly layer: LayerSpace;
  /** Probability that a block after the first is a branch (parallel to the previous block); 0 = no branches. */
  readonly branch: number;
  /** Final pooling before flatten; `null` = none. */
  readonly pool: readonly Weighted<FinalPool | null>[];
  /** Hidden dense layers (before the classifier). */
  readonly dense: IntRange;
  readonly units: IntRange;
  /** Dropout rate before each hidden dense layer (0 = none). */
  readonly dropout: number;
  /** Pruning searches: the sparsity gene's range and the training window. */
  readonly pruning?: PruningSpace;
}
