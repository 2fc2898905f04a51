import { DATASET_KINDS, METRICS } from '../engine/language/ast.js';
import type { ContextId } from '../engine/language/schema.js';
import type { Atom } from '../engine/language/syntax-tree.js';
import { UNITS, type Dimension } from '../engine/language/units.js';
import { isJoiner, values } from './syntax-locate.js';

/**
 * What may be written as the next argument of a statement, given the arguments before it: one
 * table read by completion (what to offer), hover (what a word is) and semantic tokens (how to
 * colour it). The schema knows statement heads; this knows their values.
 */
export type Slot =
  | { readonly kind: 'dataset' }
  | { readonly kind: 'board'; readonly custom: boolean }
  | { readonly kind: 'model' }
  | { readonly kind: 'space' }
  | { readonly kind: 'metric'; readonly listed: readonly string[] }
  | { readonly kind: 'core' }
  | { readonly kind: 'unit'; readonly dimension: Dimension }
  | { readonly kind: 'choice'; readonly words: readonly string[] }
  | { readonly kind: 'modifier'; readonly words: readonly string[] }
  | { readonly kind: 'mode' };

const METRIC_DIM: Readonly<Record<string, Dimension | undefined>> = {
  ram: 'bytes',
  arena: 'bytes',
  flash: 'bytes',
  macs: 'count',
  latency: 'time',
  error: undefined,
  'ram-reserve': 'bytes',
  'flash-reserve': 'bytes',
  clock: 'frequency',
};

const CHOICES: Readonly<Partial<Record<ContextId, Readonly<Record<string, readonly string[]>>>>> = {
  search: { strategy: ['evolution', 'random', 'bayesian'] },
  train: { optimizer: ['sgd', 'adam'], schedule: ['constant', 'cosine', 'step'] },
  layers: {
    op: ['conv2d', 'conv1x1', 'dwconv2d'],
    padding: ['valid', 'same'],
    prepool: ['none', 'max'],
    batchnorm: ['yes', 'no'],
    activation: ['relu', 'none'],
  },
  blocks: { branch: ['yes', 'no'] },
  space: { pool: ['none', 'avg', 'max'] },
  target: { kernels: ['cmsis-nn', 'reference'] },
};

const AUDIO_UNITS: Readonly<Partial<Record<ContextId, Readonly<Record<string, Dimension>>>>> = {
  features: { window: 'time', stride: 'time', low: 'frequency', high: 'frequency' },
  augment: { shift: 'time' },
};

/** Layer modifiers by op, grouped by kind (one of each kind per layer). */
const MODIFIERS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  conv2d: [['k3', 'k5', 'k7', 'k1'], ['s2', 's1'], ['same', 'valid'], ['relu', 'relu6'], ['bn']],
  conv1x1: [['relu', 'relu6'], ['bn']],
  dwconv2d: [['k3', 'k5', 'k7'], ['s2', 's1'], ['m2'], ['same', 'valid'], ['relu', 'relu6'], ['bn']],
  maxpool: [
    ['s2', 's1'],
    ['same', 'valid'],
  ],
  avgpool: [
    ['s2', 's1'],
    ['same', 'valid'],
  ],
  dense: [['relu', 'relu6'], ['bn']],
};
/** Layers whose modifiers follow a required number (filters, size, units). */
const NUMBER_FIRST = new Set(['conv2d', 'conv1x1', 'maxpool', 'avgpool', 'dense']);

export function modifierKind(word: string): string | undefined {
  if (/^k\d+(?:x\d+)?$/.test(word)) return 'k';
  if (/^s\d+(?:x\d+)?$/.test(word)) return 's';
  if (/^m\d+$/.test(word)) return 'm';
  if (word === 'same' || word === 'valid') return 'pad';
  if (word === 'relu' || word === 'relu6') return 'act';
  if (word === 'bn' || word === 'batchnorm') return 'bn';
  return undefined;
}

/** The slots open after `before` (the arguments already written) in statement `head` of `context`. */
export function slotsAfter(context: ContextId, head: string, before: readonly Atom[]): Slot[] {
  const last = before.at(-1);
  const first = before.length === 0;
  const after = (sep: Atom['kind']) => first || last?.kind === sep;
  if (context === 'search') {
    switch (head) {
      case 'dataset':
        return first ? [{ kind: 'dataset' }] : [];
      case 'target':
        return first ? [{ kind: 'board', custom: true }] : [];
      case 'space':
        return first ? [{ kind: 'space' }] : [];
      case 'baseline':
        return after('comma') ? [{ kind: 'model' }] : [];
      case 'objectives':
        return after('comma') ? [{ kind: 'metric', listed: values(before).map((a) => a.text) }] : [];
    }
  }
  if (context === 'model') {
    if (head === 'target') return first ? [{ kind: 'board', custom: false }] : [];
    const groups = MODIFIERS[head];
    if (!groups) return [];
    if (NUMBER_FIRST.has(head) && !before.some((a) => a.kind === 'number')) return [];
    const used = new Set(before.map((a) => modifierKind(a.text)));
    return [{ kind: 'modifier', words: groups.filter((g) => !used.has(modifierKind(g[0]!))).flat() }];
  }
  if (context === 'target' && head === 'core') return first ? [{ kind: 'core' }] : [];
  if (context === 'dataset' && head === 'features') return first ? [{ kind: 'choice', words: ['mfcc'] }] : [];
  // Audio settings with units: `window 30 ms`, `low 20 Hz`, `shift 100 ms`.
  const unit = AUDIO_UNITS[context]?.[head];
  if (unit && before.length === 1 && last?.kind === 'number') return [{ kind: 'unit', dimension: unit }];
  if ((context === 'constraints' || context === 'target') && head in METRIC_DIM)
    return quantity(head, before, context === 'constraints' || before.some((a) => a.kind === 'compare'));
  const choice = CHOICES[context]?.[head];
  if (choice && (after('pipe') || (context === 'train' && first))) {
    // `prepool none | max 2`, `pool avg 2`: a size follows max/avg, then a weight.
    if (last?.kind === 'word' && (last.text === 'max' || last.text === 'avg')) return [];
    return [{ kind: 'choice', words: choice }];
  }
  return [];
}

function quantity(head: string, before: readonly Atom[], constraint: boolean): Slot[] {
  const dim = METRIC_DIM[head];
  const last = before.at(-1);
  const out: Slot[] = [];
  if (dim && last?.kind === 'number') out.push({ kind: 'unit', dimension: dim });
  const complete =
    last &&
    !isJoiner(last) &&
    (last.kind === 'word' ||
      last.kind === 'percent' ||
      (last.kind === 'number' && (dim === 'count' || dim === undefined)));
  if (constraint && complete && !(last.kind === 'word' && (last.text === 'hard' || last.text === 'soft')))
    out.push({ kind: 'mode' });
  return out;
}

/** The slot an existing argument word fills (for hover and colouring), if any. */
export function slotOf(
  context: ContextId,
  head: string,
  args: readonly Atom[],
  atom: Atom,
): Slot | undefined {
  const before = args.slice(0, args.indexOf(atom));
  const slots = slotsAfter(context, head, before);
  return slots.find((s) => accepts(s, atom.text)) ?? (atom.kind === 'word' ? slots[0] : undefined);
}

function accepts(slot: Slot, word: string): boolean {
  switch (slot.kind) {
    case 'unit':
      return word in UNITS[slot.dimension];
    case 'mode':
      return word === 'hard' || word === 'soft';
    case 'choice':
      return slot.words.includes(word);
    case 'modifier':
      return modifierKind(word) !== undefined;
    case 'metric':
      return (METRICS as readonly string[]).includes(word);
    case 'dataset':
      return (DATASET_KINDS as readonly string[]).includes(word);
    default:
      return true;
  }
}

/** Short documentation of value words, for hovers and completion details. */
export const WORD_DOCS: Readonly<Record<string, string>> = {
  mfcc: 'Mel-frequency cepstral coefficients, as μNAS computed them with tf.signal (Hann window, magnitude FFT, HTK mel filterbank, log, DCT-II); the exporter writes its parameters next to the model.',
  evolution:
    'Aging (regularised) evolution, as in μNAS: mutate a parent picked from a random sample; the oldest member leaves the population.',
  random: 'Random search on the same budget: a baseline for the evolution.',
  sgd: 'Stochastic gradient descent with momentum.',
  adam: 'Adam (default learning rate 0.001).',
  constant: 'A constant learning rate.',
  cosine: 'Cosine decay of the learning rate to 0 over the epochs.',
  step: 'Learning-rate steps: `step 15 0.005, 30 0.001` sets the rate at those epochs.',
  hard: 'A hard limit: a candidate over it is infeasible and never trained (the default).',
  soft: 'A soft limit: a penalty, as in μNAS — the limit normalises the objective and candidates over it are kept.',
  yes: 'Always.',
  no: 'Never.',
  none: 'No layer here.',
  avg: 'Average pooling.',
  max: 'Max pooling.',
  valid: 'Valid padding: output ⌊(in − k) / s⌋ + 1.',
  same: 'Same padding: output ⌈in / s⌉.',
  relu: 'A ReLU, fused into the layer.',
  relu6: 'A ReLU6, fused into the layer.',
  bn: 'A batch norm, fused into the layer (no RAM, flash or MACs on the device).',
  batchnorm: 'A batch norm, fused into the layer (no RAM, flash or MACs on the device).',
  conv2d: 'Spatial convolution.',
  conv1x1: 'Pointwise (1×1) convolution.',
  dwconv2d: 'Depthwise convolution.',
  custom: 'A custom target: give `core`, `clock`, `ram` and `flash` in its block.',
  'cmsis-nn':
    "Arm's CMSIS-NN kernels: im2col, depthwise and average-pool scratch buffers count in the arena.",
  reference: "TFLite Micro's reference kernels: only MEAN and REDUCE_MAX request scratch buffers.",
};

const METRIC_DOCS: Readonly<Record<string, string>> = {
  error: 'Validation error (1 − accuracy), known after training.',
  ram: 'Peak activation RAM in the RAM-optimal operator order.',
  arena: 'The TensorFlow Lite Micro tensor arena (greedy planner), tail included.',
  flash: 'Model size in flash (weights, biases, quantisation parameters, flatbuffer).',
  macs: 'Multiply-accumulates per inference.',
  latency: 'Estimated latency on the target core and clock.',
};

export function metricDoc(metric: string): string | undefined {
  return METRIC_DOCS[metric];
}

/** A modifier spelled out: `k3` → kernel 3×3. */
export function modifierDoc(word: string): string | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^k(\d+)(?:x(\d+))?$/.exec(word))) return `Kernel ${m[1]}×${m[2] ?? m[1]}.`;
  if ((m = /^s(\d+)(?:x(\d+))?$/.exec(word))) return `Stride ${m[1]}${m[2] ? `×${m[2]}` : ''}.`;
  if ((m = /^m(\d+)$/.exec(word))) return `Depth multiplier ${m[1]}.`;
  return WORD_DOCS[word];
}
