import type { ArchGraph } from '../arch/graph.js';
import type { DatasetConfig, TrainConfig } from '../config/search-config.js';
import type { InheritPair } from '../search/inheritance.js';
import type { BackendChoice, BackendRequest } from './backend/index.js';
import type { PruningSpec } from './pruning/spec.js';
import type { EpochReport, TrainResult } from './trainer.js';

/** Messages between the search (parent) and a training worker process, over Node IPC. */

export interface TrainJob {
  readonly id: number;
  readonly graph: ArchGraph;
  readonly dataset: DatasetConfig;
  /** Folder of the .unas file, for relative paths (already absolute in DatasetConfig, kept for errors). */
  readonly baseDir: string;
  readonly train: TrainConfig;
  readonly seed: number;
  /** Measure test accuracy too (final re-training of the front). */
  readonly test?: boolean;
  /** Save the trained weights (tfjs layers format) into this folder. */
  readonly saveTo?: string;
  /** The model as `.unas` text (what a queue job carries instead of the graph). */
  readonly model?: string;
  /** The coordinator's dataset fingerprint: a worker whose data differs refuses the job. */
  readonly fingerprint?: string;
  /** DPF pruning while training (structured: the saved weights are the smaller network's). */
  readonly pruning?: PruningSpec;
  /** Start from a parent's trained weights (its weights folder) along these layer pairs. */
  readonly inherit?: { readonly from: string; readonly pairs: readonly InheritPair[] };
}

export type ParentToWorker =
  | { readonly type: 'init'; readonly backend: BackendRequest; readonly wasmDir?: string }
  | { readonly type: 'train'; readonly job: TrainJob }
  | { readonly type: 'cancel'; readonly id: number };

/** Which process trained it, `host:pid`. */
interface Provenance {
  readonly worker?: string;
}

/** A result as it crosses the process boundary: never the model itself. */
export type WireResult =
  | Extract<TrainResult, { status: 'cancelled' }>
  /** `retryable`: the worker, not the candidate, is at fault (it died, or lacks the data): another may succeed. */
  | (Extract<TrainResult, { status: 'failed' }> & Provenance & { readonly retryable?: boolean })
  | (Omit<Extract<TrainResult, { status: 'trained' }>, 'model'> & Provenance & { readonly saved?: string });

export type WorkerToParent =
  | { readonly type: 'ready'; readonly backend: BackendChoice }
  | { readonly type: 'epoch'; readonly id: number; readonly report: EpochReport }
  | { readonly type: 'result'; readonly id: number; readonly result: WireResult }
  | { readonly type: 'fatal'; readonly message: string };
