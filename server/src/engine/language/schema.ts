/**
 * What may be written where. The parser asks it which words start a statement in a block (so that
 * one-liners like `target x { ram <= 2 KB  flash <= 4 KB }` split correctly), and the lowering,
 * completion, hover and "did you mean" all read the same table. Adding a setting = adding a row.
 */

export type ContextId =
  | 'document'
  | 'search'
  | 'dataset'
  | 'augment'
  | 'features'
  | 'target'
  | 'constraints'
  | 'space'
  | 'blocks'
  | 'layers'
  | 'space-dense'
  | 'strategy'
  | 'pruning'
  | 'train'
  | 'final'
  | 'inherit'
  | 'model'
  | 'paths';

export interface StatementSpec {
  readonly head: string;
  /** How it is written, for hovers and completion details. */
  readonly usage: string;
  readonly doc: string;
  /** The context of its `{ … }` block, if it may have one. */
  readonly block?: ContextId;
  /** May appear more than once in its block. */
  readonly repeatable?: boolean;
}

const s = (head: string, usage: string, doc: string, extra: Partial<StatementSpec> = {}): StatementSpec => ({
  head,
  usage,
  doc,
  ...extra,
});

export const SCHEMA: Readonly<Record<ContextId, readonly StatementSpec[]>> = {
  document: [
    s(
      'search',
      'search NAME { … }',
      'A search: dataset, target board and constraints, objectives, search space, strategy and training settings.',
      { block: 'search', repeatable: true },
    ),
    s(
      'model',
      'model NAME { input HxWxC … layers … }',
      'A concrete architecture. The editor estimates it inline; a search can use it as a baseline.',
      { block: 'model', repeatable: true },
    ),
    s(
      'space',
      'space NAME { … }',
      'A named search space that several searches can share (`space NAME` inside a search).',
      { block: 'space', repeatable: true },
    ),
  ],
  search: [
    s(
      'dataset',
      'dataset mnist | fashion-mnist | cifar10 | idx | images | audio { … }',
      'The data to train and evaluate on. Built-in names need no path.',
      { block: 'dataset' },
    ),
    s(
      'target',
      'target BOARD { … }',
      'The microcontroller: a board from the catalogue, or `custom` with `core`, `clock`, `ram`, `flash`.',
      { block: 'target' },
    ),
    s(
      'constraints',
      'constraints { ram <= 8 KB … }',
      'Limits on peak RAM, arena, flash, MACs, latency and error. Hard by default (candidates over them are infeasible); `soft` makes a limit a penalty, as in μNAS.',
      { block: 'constraints' },
    ),
    s(
      'objectives',
      'objectives error, ram, flash, macs',
      'What to minimise jointly: any of error, ram, arena, flash, macs, latency. Default: error, ram, flash, macs.',
    ),
    s(
      'space',
      'space { … } | space NAME',
      'The search space, inline or a reference to a top-level `space NAME`.',
      { block: 'space' },
    ),
    s(
      'strategy',
      'strategy evolution | bayesian | random { … }',
      "The search algorithm and its budget: aging evolution (μNAS), Bayesian optimisation (μNAS's GP variant) or random search (a baseline).",
      { block: 'strategy' },
    ),
    s('train', 'train { epochs 10  batch 128 … }', 'How each candidate is trained.', { block: 'train' }),
    s(
      'baseline',
      'baseline MODEL, …',
      'Concrete models evaluated first and used to seed the initial population.',
    ),
    s(
      'pruning',
      'pruning { structured 10%..80%  epochs 3..18 }',
      'DPF pruning while each candidate trains, with a per-candidate sparsity gene drawn from the range (μNAS). Structured pruning removes whole channels (a smaller network); unstructured zeroes single weights.',
      { block: 'pruning' },
    ),
    s(
      'convention',
      'convention tflm | unas',
      'How the search counts resources in its limits, objectives and pre-screen: `tflm` (default) is what an int8 TFLite Micro deployment stores and allocates; `unas` is μNAS’s own accounting (1 B per parameter and bias, network input excluded, in-place add), to state μNAS’s bounds.',
    ),
    s(
      'final',
      'final { top 4  epochs 15 }',
      'The final phase: the best front members (by validation accuracy) re-trained on the whole training set, on every worker in parallel, and measured on the test set.',
      { block: 'final' },
    ),
    s(
      'inherit',
      'inherit { epochs 3 }',
      'Weight inheritance: a child made by a morphism starts from its parent’s trained weights (unchanged layers copied, resized ones sliced or zero-padded, new ones initialised) and trains for these epochs instead of the full training. Default: a third of the epochs.',
      { block: 'inherit' },
    ),
  ],
  dataset: [
    s(
      'path',
      'path "DIR"',
      'Directory of the data (relative to this file): CIFAR-10 binary batches, a folder of class folders, or the four IDX files.',
    ),
    s('train-images', 'train-images "FILE"', 'IDX file of training images (optionally gzipped).'),
    s('train-labels', 'train-labels "FILE"', 'IDX file of training labels.'),
    s('test-images', 'test-images "FILE"', 'IDX file of test images.'),
    s('test-labels', 'test-labels "FILE"', 'IDX file of test labels.'),
    s('input', 'input HxWxC', 'Input shape. Built-in datasets know theirs; image folders are resized to it.'),
    s('classes', 'classes N', 'Number of classes. Built-in datasets know theirs.'),
    s(
      'validation',
      'validation 10%',
      'Fraction of the training set held out (stratified) to choose architectures. Default 10%.',
    ),
    s(
      'subset',
      'subset N',
      'Train candidates on a stratified subset of N training images (cheaper, lower fidelity).',
    ),
    s('augment', 'augment { shift 2  rotate 10  flip }', 'Data augmentation during training.', {
      block: 'augment',
    }),
    s(
      'words',
      'words yes, no, up, …',
      'Audio: the keywords (folders of clips). Every other word folder is `unknown`; a `silence` class is added.',
    ),
    s(
      'silence',
      'silence 10%',
      'Audio: silence samples (background noise), as a share of the keyword samples. Default 10%.',
    ),
    s(
      'unknown',
      'unknown 10%',
      'Audio: clips of other words, as a share of the keyword samples. Default 10%.',
    ),
    s(
      'features',
      'features mfcc { window 30 ms  stride 10 ms  coefficients 40 }',
      "Audio: the feature front end in front of the network; its frames × coefficients are the input. Default: μNAS's MFCC.",
      { block: 'features' },
    ),
  ],
  augment: [
    s(
      'shift',
      'shift N | shift 100 ms',
      'Random shifts of up to N pixels (zero fill); for audio, a time shift of up to ± the time.',
    ),
    s('rotate', 'rotate DEGREES', 'Random rotations of up to ± DEGREES.'),
    s('flip', 'flip', 'Random horizontal flips.'),
    s('noise', 'noise 80%', 'Audio: probability of mixing background noise into a training clip.'),
    s('volume', 'volume 10%', 'Audio: largest background-noise volume (drawn uniformly up to it).'),
    s(
      'copies',
      'copies 4',
      'Audio: augmented versions of each training clip, computed once and cached; each epoch reads one version per clip. Default 4.',
    ),
  ],
  features: [
    s('window', 'window 30 ms', 'MFCC frame length. Default 30 ms.'),
    s('stride', 'stride 10 ms', 'Step between frames. Default 10 ms (98 frames per second); 20 ms gives 49.'),
    s('coefficients', 'coefficients 40', 'MFCC coefficients kept per frame (the input width). Default 40.'),
    s('bands', 'bands 40', 'Mel filterbank bands. Default 40.'),
    s('low', 'low 20 Hz', 'Lowest frequency of the mel filterbank. Default 20 Hz.'),
    s('high', 'high 4000 Hz', 'Highest frequency of the mel filterbank (at most 8 kHz). Default 4 kHz.'),
  ],
  target: [
    s('core', 'core cortex-m4', 'CPU core, for the latency model (custom targets).'),
    s('clock', 'clock 80 MHz', 'Core clock, for the latency model.'),
    s(
      'kernels',
      'kernels cmsis-nn | reference',
      "TFLite Micro's kernel library, for the arena's scratch buffers. Default: CMSIS-NN on Arm cores, reference elsewhere.",
    ),
    s(
      'ram',
      'ram 320 KB | ram <= 8 KB',
      "Without a comparison: the device's SRAM (custom targets). With one: a constraint on peak RAM (shorthand for a `constraints` entry).",
    ),
    s(
      'flash',
      'flash 1 MB | flash <= 16 KB',
      "Without a comparison: the device's flash. With one: a constraint on model flash.",
    ),
    s('arena', 'arena <= 8 KB', 'A constraint on the TFLite Micro tensor arena.'),
    s('macs', 'macs <= 1 M', 'A constraint on multiply-accumulates per inference.'),
    s('latency', 'latency <= 50 ms', 'A constraint on estimated inference latency.'),
    s(
      'ram-reserve',
      'ram-reserve 16 KB',
      "SRAM kept for the runtime and your application; the network gets the rest. Default: the board's.",
    ),
    s(
      'flash-reserve',
      'flash-reserve 64 KB',
      "Flash kept for the runtime and your application. Default: the board's.",
    ),
  ],
  constraints: [
    s('ram', 'ram <= 8 KB [soft]', 'Peak activation memory (the RAM-optimal operator order).'),
    s('arena', 'arena <= 8 KB [soft]', 'The TFLite Micro tensor arena (greedy planner, file order).'),
    s('flash', 'flash <= 16 KB [soft]', 'Model size in flash.'),
    s('macs', 'macs <= 2 M [soft]', 'Multiply-accumulates per inference.'),
    s('latency', 'latency <= 50 ms [soft]', 'Estimated latency on the target core.'),
    s('error', 'error <= 3% [soft]', 'Validation error (1 − accuracy). Known only after training.'),
  ],
  space: [
    s('blocks', 'blocks 1..4 { layers … }', 'Number of conv blocks; the block describes them.', {
      block: 'blocks',
    }),
    s('pool', 'pool none | avg 2 | max 4 …', 'Final pooling before the classifier (weights as `avg 2 30%`).'),
    s(
      'dense',
      'dense 0..2 { units 10..256  dropout 0.1 }',
      'Number of hidden dense layers before the classifier.',
      { block: 'space-dense' },
    ),
  ],
  blocks: [
    s('layers', 'layers 1..3 { op … }', 'Conv layers per block; the block describes each layer.', {
      block: 'layers',
    }),
    s(
      'branch',
      'branch 50% | branch no',
      'Probability that a block after the first runs in parallel to the previous one (outputs summed by an add).',
    ),
  ],
  layers: [
    s('op', 'op conv2d | conv1x1 | dwconv2d', 'Layer types to choose from (weights as `conv2d 50%`).'),
    s('kernel', 'kernel 3 | 5 | 7', 'Kernel sizes for conv2d and dwconv2d.'),
    s('stride', 'stride 1 | 2', 'Strides for conv2d and dwconv2d (conv1x1 always uses 1).'),
    s('channels', 'channels 1..128', 'Output channels of conv2d and conv1x1.'),
    s('padding', 'padding valid | same', 'Padding modes to choose from. μNAS uses valid.'),
    s('prepool', 'prepool none | max 2 25%', 'An optional max pool before the conv.'),
    s('batchnorm', 'batchnorm yes | no', 'Whether a (fused) batch norm follows the conv.'),
    s('activation', 'activation relu 90% | none', 'Whether a (fused) ReLU follows the conv.'),
  ],
  'space-dense': [
    s('units', 'units 10..256', 'Units of each hidden dense layer.'),
    s('dropout', 'dropout 0.1', 'Dropout rate before each hidden dense layer.'),
  ],
  strategy: [
    s('population', 'population 100', 'Aging evolution: population size.'),
    s('sample', 'sample 25', 'Aging evolution: members sampled per parent selection.'),
    s('rounds', 'rounds 500', 'Candidates to evaluate in total, the initial population included.'),
    s(
      'workers',
      'workers 2',
      'Candidates trained in parallel (one process each). Default: the number of cores.',
    ),
    s('seed', 'seed 1', 'Seed of every random choice, for reproducible searches.'),
    s(
      'initial',
      'initial 20',
      'Bayesian optimisation: random candidates before the Gaussian process proposes (default 20).',
    ),
    s(
      'halving',
      'halving epochs 1 subset 2500 keep 50%',
      'Successive halving (ASHA): each candidate first trains cheaply (these epochs, on this many images); only those whose error is in the best `keep` fraction of their rung so far move up. `rungs N` (default 2) spaces the rungs geometrically up to the full training.',
    ),
    s('time', 'time 45 min', 'Wall-time budget: no new candidate starts after it (besides `rounds`).'),
  ],
  inherit: [s('epochs', 'epochs 3', 'Training epochs of a child that inherits its parent’s weights.')],
  final: [
    s(
      'top',
      'top 4',
      'Re-train at most this many front members, highest validation accuracy first (0 = none).',
    ),
    s('epochs', 'epochs 15', 'Training epochs in the final phase (default: the search’s).'),
    s(
      'knees',
      'knees',
      'Also re-train the knees of the front (one per resource objective: where more of that resource stops buying much accuracy).',
    ),
    s(
      'warm',
      'warm',
      'Start each member from the weights the search trained (kept for the front) instead of from scratch: a fine-tuning on the whole training set.',
    ),
    s(
      'distinct',
      'distinct',
      'Re-train at most one member per topology (layers, kernels, strides, pooling): the best of each, not two near-twins that differ only in widths or activations.',
    ),
    s(
      'time',
      'time 15 min',
      'Wall-time budget of the phase: each member gets its share, and its schedule is as many epochs as fit (at most `epochs`), from its measured epoch time.',
    ),
  ],
  pruning: [
    s(
      'structured',
      'structured 10%..80%',
      'Remove whole output channels (L2 norm, global threshold); the sparsity gene ranges over these fractions of the prunable weights.',
    ),
    s(
      'unstructured',
      'unstructured 20%..98%',
      'Zero single weights (|w|, global threshold). The int8 model still stores them: flash is reported dense, with the non-zeros beside it.',
    ),
    s(
      'epochs',
      'epochs 3..18',
      'The pruning window: sparsity ramps up cubically from the start of the first epoch to the end of the last. Default: epoch 2 to three quarters of training.',
    ),
    s('every', 'every 16', 'Batches between mask updates (μNAS: 16).'),
  ],
  train: [
    s('epochs', 'epochs 10', 'Training epochs per candidate.'),
    s('batch', 'batch 128', 'Batch size.'),
    s('optimizer', 'optimizer sgd | adam', 'Optimizer.'),
    s('lr', 'lr 0.005', 'Learning rate (initial, if a schedule is set).'),
    s('momentum', 'momentum 0.9', 'SGD momentum.'),
    s('weight-decay', 'weight-decay 5e-5', 'L2 weight decay.'),
    s(
      'schedule',
      'schedule constant | cosine | step EPOCH LR, …',
      'Learning-rate schedule. `step 15 0.005, 30 0.001` sets the rate at those epochs.',
    ),
    s('early-stop', 'early-stop 5', 'Stop when validation accuracy has not improved for N epochs.'),
    s('label-smoothing', 'label-smoothing 0.1', 'Label smoothing of the cross-entropy loss.'),
  ],
  model: [
    s('input', 'input 28x28x1', 'Input shape H×W×C.'),
    s('target', 'target BOARD', 'Board whose core and clock the latency estimate uses.'),
    s(
      'conv2d',
      'conv2d FILTERS k3 [s2] [same] [relu] [bn]',
      'Convolution with FILTERS outputs, kernel kN, stride sN (default 1), valid padding unless `same`.',
      { repeatable: true },
    ),
    s('conv1x1', 'conv1x1 FILTERS [relu] [bn]', 'Pointwise (1×1) convolution.', { repeatable: true }),
    s(
      'dwconv2d',
      'dwconv2d k3 [s2] [m2] [same] [relu] [bn]',
      'Depthwise convolution (multiplier mN, default 1).',
      { repeatable: true },
    ),
    s('maxpool', 'maxpool SIZE [s2] [same]', 'Max pooling; stride defaults to the size.', {
      repeatable: true,
    }),
    s('avgpool', 'avgpool SIZE [s2] [same]', 'Average pooling; stride defaults to the size.', {
      repeatable: true,
    }),
    s('gap', 'gap', 'Global average pooling.', { repeatable: true }),
    s('gmp', 'gmp', 'Global max pooling.', { repeatable: true }),
    s('flatten', 'flatten', 'Flatten a feature map to a vector (free: no copy).', { repeatable: true }),
    s('dense', 'dense UNITS [relu]', 'Fully connected layer.', { repeatable: true }),
    s('dropout', 'dropout RATE', 'Dropout (training only).', { repeatable: true }),
    s('batchnorm', 'batchnorm', 'Batch norm; fused into a preceding conv or dense.', { repeatable: true }),
    s('relu', 'relu', 'ReLU; fused into a preceding conv or dense.', { repeatable: true }),
    s('relu6', 'relu6', 'ReLU6; fused into a preceding conv or dense.', { repeatable: true }),
    s('softmax', 'softmax', 'Softmax over the classes.', { repeatable: true }),
    s(
      'add',
      'add { path { … } path { … } }',
      'Parallel paths from the same input, summed. An empty path is the identity (a skip connection). Larger maps are max-pooled to the smallest, as in μNAS.',
      { block: 'paths', repeatable: true },
    ),
    s(
      'concat',
      'concat { path { … } path { … } }',
      'Parallel paths from the same input, concatenated along channels.',
      { block: 'paths', repeatable: true },
    ),
  ],
  paths: [
    s('path', 'path { LAYERS }', 'One parallel path; empty = identity.', {
      block: 'model',
      repeatable: true,
    }),
  ],
};

const index = new Map<ContextId, Map<string, StatementSpec>>(
  (Object.keys(SCHEMA) as ContextId[]).map((c) => [c, new Map(SCHEMA[c].map((x) => [x.head, x]))]),
);

export function specOf(context: ContextId, head: string): StatementSpec | undefined {
  return index.get(context)?.get(head);
}

export function headsOf(context: ContextId): readonly string[] {
  return SCHEMA[context].map((x) => x.head);
}

export function isHead(context: ContextId, word: string): boolean {
  return index.get(context)?.has(word) ?? false;
}

/**
 * Heads that, in the middle of a line, are read as options of the statement before them: in a
 * model, `conv2d 8 k3 relu bn` is one layer (fused), while `relu` at the start of a line is a
 * layer of its own. Other heads always start a new statement (`conv2d 8 k3  maxpool 2`).
 */
const INLINE_OPTIONS: Partial<Record<ContextId, ReadonlySet<string>>> = {
  model: new Set(['relu', 'relu6', 'batchnorm', 'bn']),
};

/** Whether `word`, met in the middle of a statement in `context`, starts a new statement. */
export function startsStatement(context: ContextId, word: string): boolean {
  return isHead(context, word) && !INLINE_OPTIONS[context]?.has(word);
}

/** Context of the block that follows `head` in `context`; unknown heads keep the parent's. */
export function childContext(context: ContextId, head: string): ContextId {
  return specOf(context, head)?.block ?? context;
}
