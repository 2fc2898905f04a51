import type { Shape } from '../arch/graph.js';
import type { SearchSpace } from '../arch/space.js';
import type { Augmentation } from '../data/augment.js';
import type { DatasetSpec } from '../data/load-dataset.js';
import type { ConventionName } from '../resources/conventions.js';
import type { CoreId } from '../resources/cores.js';
import type { ConstraintSummary, Metric } from '../../../../protocol/src/run-events.js';
import type { KernelLibrary } from '../resources/kernel-scratch.js';
import type { Schedule, OptimizerKind, StrategyKind } from '../language/ast.js';

/**
 * A search with every default applied and every unit converted: what a run needs and what its
 * folder stores (`settings.json`), so a run resumes without the `.unas` file. Plain JSON.
 */
export interface SearchConfig {
  readonly version: 1;
  readonly name: string;
  /** The `.unas` file it came from (absolute), if any: relative dataset paths were resolved against its folder. */
  readonly source?: string;
  readonly dataset: DatasetConfig;
  readonly target: TargetConfig;
  readonly constraints: readonly ConstraintConfig[];
  readonly objectives: readonly Metric[];
  readonly space: SearchSpace;
  readonly strategy: StrategyConfig;
  readonly train: TrainConfig;
  /** Concrete models evaluated first, as `.unas` model text (parsed again when the run starts). */
  readonly baselines: readonly { readonly name: string; readonly text: string }[];
  /** How resources are counted in limits, objectives, pre-screen and events; absent (older runs) = tflm. */
  readonly convention?: ConventionName;
  /** The final phase; absent (older runs) = every front member, the search's epochs. */
  readonly final?: FinalConfig;
  /** Weight inheritance; absent = every candidate trains from scratch. */
  readonly inherit?: { readonly epochs: number };
}

export interface FinalConfig {
  /** Front members re-trained, highest validation accuracy first (0 = no final phase). */
  readonly top: number;
  readonly epochs: number;
  /** Also the front's knees, one per resource objective. */
  readonly knees?: boolean;
  /** Each member starts from the weights the search trained (when kept), not from scratch. */
  readonly warm?: boolean;
  /** Wall-time bound of the whole phase, in seconds (each member's training gets its share). */
  readonly time?: number;
  /** Finalists differ in topology (layers, kernels, strides, pooling), not only in widths or activations. */
  readonly distinct?: boolean;
}

export interface DatasetConfig {
  /** Absolute paths; what `loadDataset` takes. */
  readonly spec: DatasetSpec;
  readonly input: Shape;
  readonly classes: number;
  readonly augment: Augmentation;
}

export interface TargetConfig {
  /** Board id, or `custom`. */
  readonly board: string;
  readonly name: string;
  readonly core: CoreId;
  readonly clockHz: number;
  /** TFLite Micro kernel library; absent: the core's default (resources/kernel-scratch.ts). */
  readonly kernels?: KernelLibrary;
  readonly ramBytes: number;
  readonly flashBytes: number;
  readonly ramReserve: number;
  readonly flashReserve: number;
}

/** `limit` in canonical units: bytes, MACs, milliseconds for latency, a fraction for error. */
export interface ConstraintConfig extends ConstraintSummary {
  /** Where it came from: the file, or the board's capacity less its reserve. */
  readonly from: 'file' | 'board';
}

export interface StrategyConfig {
  readonly kind: StrategyKind;
  readonly population: number;
  readonly sample: number;
  /** Candidates to evaluate in total (trained or failed), the initial population included. */
  readonly rounds: number;
  readonly workers: number;
  readonly seed: number;
  /** Bayesian optimisation: random candidates before the GP proposes. */
  readonly initial?: number;
  /** Successive halving (ASHA); absent = every candidate trains fully. `subset` 0 = the same images. */
  readonly halving?: HalvingConfig;
  /** Wall-time budget in seconds (no candidate starts after it); absent = rounds only. */
  readonly time?: number;
}

export interface HalvingConfig {
  /** Epochs of rung 0. */
  readonly epochs: number;
  /** Training images of rung 0 (0 = the dataset's). */
  readonly subset: number;
  /** Fraction of each rung's results so far that moves up. */
  readonly keep: number;
  /** Rungs, the full training included; absent (older runs) = 2. */
  readonly rungs?: number;
}

export interface TrainConfig {
  readonly epochs: number;
  readonly batch: number;
  readonly optimizer: OptimizerKind;
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly schedule: Schedule;
  /** Patience in epochs; 0 = off. */
  readonly earlyStop: number;
  readonly labelSmoothing: number;
  /**
   * Wall-time bound of one training (the final phase's share of `final { time }`): the schedule's
   * length becomes the epochs that fit, from the mean epoch time so far, at most `epochs`.
   */
  readonly seconds?: number;
}
