/**
 * The search's event stream: written by the engine to the run journal, printed by `unas search
 * --json`, forwarded by the extension to the panel. One definition for every consumer; every
 * consumer validates what it reads (see validate.ts).
 */

export type Metric = 'error' | 'ram' | 'arena' | 'flash' | 'macs' | 'latency';
export const METRICS: readonly Metric[] = ['error', 'ram', 'arena', 'flash', 'macs', 'latency'];

export type CandidateStatus = 'proposed' | 'training' | 'trained' | 'failed' | 'rejected';

/** Resources of a candidate (tflm convention unless the run says otherwise). */
export interface Resources {
  /** Peak activation RAM in bytes (RAM-optimal operator order). */
  readonly ram: number;
  /** TFLite Micro arena in bytes (greedy planner). */
  readonly arena: number;
  readonly flash: number;
  readonly macs: number;
  /** Estimated latency in milliseconds on the target. */
  readonly latency: number;
}

/** One layer of a candidate, for the details view. */
export interface LayerSummary {
  readonly name: string;
  /** Human description, e.g. `conv2d 16 k3 s2 relu`. */
  readonly text: string;
  readonly shape: readonly number[];
  readonly ram: number;
  readonly flash: number;
  readonly macs: number;
}

/** The one constraint shape: the search's own (`Constraint`, with `strict`) and the config's (with `from`) extend it. */
export interface ConstraintSummary {
  readonly metric: Metric;
  readonly limit: number;
  readonly mode: 'hard' | 'soft';
}

export interface CandidateSummary {
  readonly id: number;
  readonly parent?: number;
  /** The morphism that produced it from its parent, or `random` / `baseline`. */
  readonly origin: string;
  readonly status: CandidateStatus;
  readonly resources: Resources;
  /** Validation error in [0, 1], once trained. */
  readonly error?: number;
  /** Test error, measured only for the final front. */
  readonly testError?: number;
  /**
   * Validation error of the final re-training (whole training set, the final epochs): the figure to
   * choose among final members by; the test error only reports the choice.
   */
  readonly finalError?: number;
  readonly feasible: boolean;
  /** Hard limits it breaks, e.g. `ram 9.1 KB > 8 KB`. */
  readonly violations: readonly string[];
  readonly trainSeconds?: number;
  /** Validation accuracy per epoch. */
  readonly curve?: readonly number[];
  /** The architecture as a `.unas` model body (one layer per line). */
  readonly model: string;
  readonly layers: readonly LayerSummary[];
  readonly failure?: string;
  /** With successive halving: `low` = only the cheap training ran (its error is `error`), `full` = promoted. */
  readonly fidelity?: 'low' | 'full';
  /** With successive halving: the error after the cheap training. */
  readonly lowFidelityError?: number;
  /** With weight inheritance: the parent whose trained weights it started from. */
  readonly inheritedFrom?: number;
  /** With successive halving: the error at each rung it trained at, cheapest first. */
  readonly rungErrors?: readonly number[];
  /** The process that trained it, `host:pid` (a queue worker, or a local training process). */
  readonly trainedBy?: string;
  /**
   * With pruning: the target (its sparsity gene) and what was reached, as a fraction of the
   * prunable weights. Structured: `model`, `resources` and `layers` are the smaller network.
   * Unstructured: `resources.flash` is the dense model that deploys; `nonZeroFlash` is μNAS's
   * figure (non-zero parameters), which only a sparse format would realise.
   */
  readonly pruning?: {
    readonly kind: 'structured' | 'unstructured';
    readonly target: number;
    readonly sparsity: number;
    readonly nonZeroFlash?: number;
  };
}

/** A training worker connected to the search's queue (`unas worker`), as the coordinator last saw it. */
export interface WorkerSummary {
  /** `host:pid`. */
  readonly id: string;
  readonly backend: string;
  readonly concurrency: number;
  /** Candidates of this run it is training now. */
  readonly jobs: readonly number[];
  /** Jobs of other searches on the same queue it is training now. */
  readonly other: number;
}

export type RunEvent =
  | {
      readonly type: 'run-started';
      readonly run: string;
      readonly search: string;
      readonly budget: number;
      readonly objectives: readonly Metric[];
      readonly constraints: readonly ConstraintSummary[];
      readonly backend: string;
      readonly workers: number;
      /** ISO time. */
      readonly time: string;
      readonly resumed: boolean;
      /** How resources are counted (`unas` = μNAS's accounting); absent in older runs = tflm. */
      readonly convention?: 'unas' | 'tflm';
      /** With a `time` budget: when the search stops starting candidates (ISO time). */
      readonly deadline?: string;
    }
  | {
      readonly type: 'candidate-started';
      readonly id: number;
      readonly worker: number;
      readonly time: string;
    }
  | {
      readonly type: 'epoch';
      readonly id: number;
      readonly epoch: number;
      readonly epochs: number;
      readonly loss: number;
      readonly accuracy: number;
    }
  | { readonly type: 'candidate-finished'; readonly candidate: CandidateSummary; readonly time: string }
  | {
      readonly type: 'front';
      readonly ids: readonly number[];
      readonly hypervolume: number;
      readonly evaluated: number;
    }
  | {
      /** The final phase begins: these front members, best validation accuracy first, re-train. */
      readonly type: 'final-started';
      readonly ids: readonly number[];
      readonly epochs: number;
      readonly time: string;
    }
  | { readonly type: 'log'; readonly level: 'info' | 'warning' | 'error'; readonly message: string }
  /** The queue's workers changed (`unas search --queue`). Status only: streamed, never journalled. */
  | { readonly type: 'workers'; readonly workers: readonly WorkerSummary[] }
  | {
      readonly type: 'run-finished';
      readonly reason: 'done' | 'stopped' | 'failed';
      readonly message?: string;
      readonly time: string;
    };
