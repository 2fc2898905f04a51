import type { Layer } from '../arch/layers.js';
import type { PoolType, Shape } from '../arch/graph.js';
import type { FinalPool, IntRange, LayerType, Weighted } from '../arch/space.js';
import type { Padding } from '../arch/graph.js';
import type { KernelLibrary } from '../resources/kernel-scratch.js';
import type { Located } from './args.js';
import type { Span, SyntaxTree } from './syntax-tree.js';

/**
 * The typed AST: what a `.unas` file means, with every value in canonical units (bytes, MACs,
 * seconds, hertz, fractions) and every node carrying the span it came from. Settings left out are
 * `undefined` here; defaults are applied when a search is resolved, so the editor can tell "you
 * wrote" from "the default".
 */

export interface Name {
  readonly name: string;
  readonly span: Span;
}

export interface UnasDocument {
  readonly syntax: SyntaxTree;
  readonly searches: readonly SearchDecl[];
  readonly models: readonly ModelDecl[];
  readonly spaces: readonly SpaceDecl[];
}

// ---- search ---------------------------------------------------------------------------------

// One Metric for the language, the search and the protocol.
export { METRICS, type Metric } from '../../../../protocol/src/run-events.js';
import type { Metric } from '../../../../protocol/src/run-events.js';

export interface SearchDecl {
  readonly kind: 'search';
  readonly name: Name;
  readonly span: Span;
  readonly dataset?: DatasetDecl;
  readonly target?: TargetDecl;
  readonly constraints: readonly ConstraintDecl[];
  readonly objectives?: Located<readonly Located<Metric>[]>;
  /** Inline space, or a reference to a top-level one. */
  readonly space?: SpaceDecl | SpaceRef;
  readonly strategy?: StrategyDecl;
  readonly train?: TrainDecl;
  readonly pruning?: PruningDecl;
  readonly baselines: readonly Name[];
  /** The resource convention of the search's limits, objectives and pre-screen (default tflm). */
  readonly convention?: Located<'unas' | 'tflm'>;
  /** The final phase: how many front members to re-train, and for how long. */
  readonly final?: FinalDecl;
  /** Weight inheritance: children start from their parent's weights and train this long. */
  readonly inherit?: InheritDecl;
  /** Settings written in the block, even those whose value was rejected (so nothing is reported as missing twice). */
  readonly written: ReadonlySet<string>;
}

export interface SpaceRef {
  readonly kind: 'space-ref';
  readonly ref: Name;
  readonly span: Span;
}

export type DatasetKind = 'mnist' | 'fashion-mnist' | 'cifar10' | 'idx' | 'images' | 'audio';
export const DATASET_KINDS: readonly DatasetKind[] = [
  'mnist',
  'fashion-mnist',
  'cifar10',
  'idx',
  'images',
  'audio',
];

export interface DatasetDecl {
  readonly span: Span;
  readonly kind: Located<DatasetKind>;
  readonly path?: Located<string>;
  readonly trainImages?: Located<string>;
  readonly trainLabels?: Located<string>;
  readonly testImages?: Located<string>;
  readonly testLabels?: Located<string>;
  readonly input?: Located<Shape>;
  readonly classes?: Located<number>;
  readonly validation?: Located<number>;
  readonly subset?: Located<number>;
  readonly augment?: AugmentDecl;
  /** Audio: the keywords; other word folders are `unknown`. */
  readonly words?: Located<readonly Located<string>[]>;
  /** Audio: silence and unknown samples as shares of the keyword samples. */
  readonly silence?: Located<number>;
  readonly unknown?: Located<number>;
  /** Audio: the feature front end. */
  readonly features?: FeaturesDecl;
}

export interface AugmentDecl {
  readonly span: Span;
  /** Pixels (images). */
  readonly shift: number;
  readonly rotate: number;
  readonly flip: boolean;
  /** Audio: `shift 100 ms` (seconds), where the shift was written with a time unit. */
  readonly shiftTime?: Located<number>;
  readonly noise?: Located<number>;
  readonly volume?: Located<number>;
  readonly copies?: Located<number>;
  /** Which settings were written, for the image/audio consistency checks. */
  readonly written: ReadonlyMap<string, Span>;
}

/** `features mfcc { window 30 ms  stride 10 ms  coefficients 40  bands 40  low 20 Hz  high 4 kHz }`; seconds and hertz. */
export interface FeaturesDecl {
  readonly span: Span;
  readonly kind: Located<'mfcc'>;
  readonly window?: Located<number>;
  readonly stride?: Located<number>;
  readonly coefficients?: Located<number>;
  readonly bands?: Located<number>;
  readonly low?: Located<number>;
  readonly high?: Located<number>;
}

export interface TargetDecl {
  readonly span: Span;
  /** A board id from the catalogue, or `custom`. */
  readonly board?: Name;
  readonly core?: Located<string>;
  readonly clockHz?: Located<number>;
  /** TFLite Micro kernel library (the arena's scratch buffers). */
  readonly kernels?: Located<KernelLibrary>;
  readonly ram?: Located<number>;
  readonly flash?: Located<number>;
  readonly ramReserve?: Located<number>;
  readonly flashReserve?: Located<number>;
}

export type ConstraintMetric = Exclude<Metric, never>;

export interface ConstraintDecl {
  readonly span: Span;
  readonly metric: Located<ConstraintMetric>;
  readonly op: '<=' | '<';
  /** Canonical units: bytes, MACs, seconds, or a fraction for error. */
  readonly limit: Located<number>;
  readonly mode: 'hard' | 'soft';
}

export type StrategyKind = 'evolution' | 'random' | 'bayesian';

export interface StrategyDecl {
  readonly span: Span;
  readonly kind: Located<StrategyKind>;
  readonly population?: Located<number>;
  readonly sample?: Located<number>;
  readonly rounds?: Located<number>;
  readonly workers?: Located<number>;
  readonly seed?: Located<number>;
  readonly halving?: Located<HalvingDecl>;
  /** Wall-time budget in seconds (besides `rounds`). */
  readonly time?: Located<number>;
  /** Bayesian optimisation: random proposals before the GP takes over. */
  readonly initial?: Located<number>;
}

/** `pruning { structured 10%..80%  epochs 3..18  every 16 }` in a search. */
export interface PruningDecl {
  readonly span: Span;
  readonly kind?: Located<'structured' | 'unstructured'>;
  /** The sparsity gene's range, fractions. */
  readonly sparsity?: Located<{ readonly min: number; readonly max: number }>;
  readonly epochs?: Located<{ readonly min: number; readonly max: number }>;
  readonly every?: Located<number>;
}

/** `inherit { epochs 3 }`. */
export interface InheritDecl {
  readonly span: Span;
  readonly epochs?: Located<number>;
}

/** `final { top 4  knees  epochs 15  time 15 min  distinct }`. */
export interface FinalDecl {
  readonly span: Span;
  readonly top?: Located<number>;
  readonly epochs?: Located<number>;
  /** Also re-train the front's knees (one per resource objective). */
  readonly knees?: boolean;
  /** Start from the weights the search trained, not from scratch. */
  readonly warm?: boolean;
  /** Wall-time bound of the phase, in seconds. */
  readonly time?: Located<number>;
  /** Finalists differ in topology, not only in widths or activations. */
  readonly distinct?: boolean;
}

/**
 * Successive halving (ASHA): rung 0 trains cheaply, each later rung longer and on more images, the
 * last one fully; a candidate moves up when within the best `keep` fraction of its rung so far.
 */
export interface HalvingDecl {
  readonly epochs: number;
  readonly subset: number;
  readonly keep: number;
  /** Rungs, the full training included (2 = one cheap rung, then full). */
  readonly rungs: number;
}

export type OptimizerKind = 'sgd' | 'adam';
export type Schedule =
  | { readonly kind: 'constant' }
  | { readonly kind: 'cosine' }
  | { readonly kind: 'step'; readonly steps: readonly { readonly epoch: number; readonly lr: number }[] };

export interface TrainDecl {
  readonly span: Span;
  readonly epochs?: Located<number>;
  readonly batch?: Located<number>;
  readonly optimizer?: Located<OptimizerKind>;
  readonly lr?: Located<number>;
  readonly momentum?: Located<number>;
  readonly weightDecay?: Located<number>;
  readonly schedule?: Located<Schedule>;
  readonly earlyStop?: Located<number>;
  readonly labelSmoothing?: Located<number>;
}

// ---- search space ---------------------------------------------------------------------------

/** A space as written; unset fields take the μNAS defaults on resolution. */
export interface SpaceDecl {
  readonly kind: 'space';
  readonly name?: Name;
  readonly span: Span;
  readonly blocks?: Located<IntRange>;
  readonly layers?: Located<IntRange>;
  readonly types?: Located<readonly Weighted<LayerType>[]>;
  readonly kernels?: Located<readonly Weighted<number>[]>;
  readonly strides?: Located<readonly Weighted<number>[]>;
  readonly channels?: Located<IntRange>;
  readonly padding?: Located<readonly Weighted<Padding>[]>;
  readonly prepool?: Located<{ readonly probability: number; readonly size: number }>;
  readonly batchnorm?: Located<number>;
  readonly relu?: Located<number>;
  readonly branch?: Located<number>;
  readonly pool?: Located<readonly Weighted<FinalPool | null>[]>;
  readonly dense?: Located<IntRange>;
  readonly units?: Located<IntRange>;
  readonly dropout?: Located<number>;
}

// ---- concrete models ------------------------------------------------------------------------

export interface ModelDecl {
  readonly kind: 'model';
  readonly name: Name;
  readonly span: Span;
  readonly input?: Located<Shape>;
  readonly target?: Name;
  readonly layers: readonly LayerDecl[];
}

/** A model's layer statements: the graph builder's layer list, located by source spans. */
export type LayerDecl = Layer<Span>;

export type { PoolType };
