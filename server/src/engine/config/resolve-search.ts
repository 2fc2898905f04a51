import { dirname, resolve } from 'node:path';
import type { SearchSpace } from '../arch/space.js';
import { boardBudget, findBoard } from '../boards/lookup.js';
import type { DatasetSpec } from '../data/load-dataset.js';
import type { ModelDecl, PruningDecl, SearchDecl, SpaceDecl, UnasDocument } from '../language/ast.js';
import { datasetClasses, datasetInput } from '../language/datasets.js';
import { audioAugmentationOf, mfccSettingsOf } from '../language/audio-settings.js';
import { DEFAULT_MASK_EVERY } from '../training/pruning/spec.js';
import { isCoreId } from '../resources/cores.js';
import type { ConstraintConfig, SearchConfig, TargetConfig } from './search-config.js';

/** The board a search targets when it names none. */
export const DEFAULT_BOARD = 'nucleo-f746zg';

/** Front members re-trained at the end when the search does not say (`final { top N }`). */
export const DEFAULT_FINAL_TOP = 5;

/** The μNAS CNN space: every default of `space { }`. */
export const MUNAS_SPACE: Omit<SearchSpace, 'input' | 'classes'> = {
  blocks: { min: 1, max: 10 },
  layers: { min: 1, max: 3 },
  layer: {
    types: [
      { value: 'conv2d', weight: 1 / 3 },
      { value: 'conv1x1', weight: 1 / 3 },
      { value: 'dwconv2d', weight: 1 / 3 },
    ],
    kernels: [
      { value: 3, weight: 1 / 3 },
      { value: 5, weight: 1 / 3 },
      { value: 7, weight: 1 / 3 },
    ],
    strides: [
      { value: 1, weight: 0.5 },
      { value: 2, weight: 0.5 },
    ],
    channels: { min: 1, max: 128 },
    padding: [{ value: 'valid', weight: 1 }],
    prepool: { probability: 0.25, size: 2 },
    batchnorm: 0.5,
    relu: 0.9,
  },
  branch: 0.5,
  pool: [
    { value: null, weight: 0.1 },
    ...(['avg', 'max'] as const).flatMap((type) =>
      [2, 4, 6].map((size) => ({ value: { type, size }, weight: 0.9 / 6 })),
    ),
  ],
  dense: { min: 1, max: 3 },
  units: { min: 10, max: 256 },
  dropout: 0,
};

export type Resolved = { ok: true; config: SearchConfig } | { ok: false; errors: string[] };

/**
 * Applies defaults and converts a validated search into a {@link SearchConfig}. Call it only on a
 * document without errors: what it cannot resolve (a missing dataset) it reports, plainly.
 */
export function resolveSearch(doc: UnasDocument, search: SearchDecl, file?: string): Resolved {
  const errors: string[] = [];
  const baseDir = file ? dirname(file) : process.cwd();
  const d = search.dataset;
  if (!d) errors.push(`search '${search.name.name}' has no dataset`);
  const spaceDecl =
    search.space?.kind === 'space-ref'
      ? doc.spaces.find((s) => s.name?.name === (search.space as { ref: { name: string } }).ref.name)
      : search.space;
  if (!spaceDecl) errors.push(`search '${search.name.name}' has no search space`);
  const target = resolveTarget(search, errors);
  if (!d || !spaceDecl || !target) return { ok: false, errors };

  const input = datasetInput(d);
  const classes = datasetClasses(d) ?? 10;
  if (!input) return { ok: false, errors: [`dataset ${d.kind.value} needs an input shape`] };
  const abs = (p: string) => resolve(baseDir, p);
  const common = {
    validation: d.validation?.value ?? 0.1,
    ...(d.subset ? { subset: d.subset.value } : {}),
    seed: search.strategy?.seed?.value ?? 0,
  };
  let spec: DatasetSpec;
  switch (d.kind.value) {
    case 'mnist':
      spec = { kind: 'mnist', ...common };
      break;
    case 'fashion-mnist':
      spec = { kind: 'fashion-mnist', ...(d.path ? { path: abs(d.path.value) } : {}), ...common };
      break;
    case 'cifar10':
      spec = { kind: 'cifar10', path: abs(d.path?.value ?? ''), binary: classes === 2, ...common };
      break;
    case 'images':
      spec = {
        kind: 'images',
        path: abs(d.path?.value ?? ''),
        input: input as [number, number, number],
        ...common,
      };
      break;
    case 'idx': {
      const f = (x: { value: string } | undefined, std: string) =>
        abs(x?.value ?? (d.path ? `${d.path.value}/${std}` : std));
      spec = {
        kind: 'idx',
        trainImages: f(d.trainImages, 'train-images-idx3-ubyte'),
        trainLabels: f(d.trainLabels, 'train-labels-idx1-ubyte'),
        testImages: f(d.testImages, 't10k-images-idx3-ubyte'),
        testLabels: f(d.testLabels, 't10k-labels-idx1-ubyte'),
        classes,
        ...common,
      };
      break;
    }
    case 'audio':
      spec = {
        kind: 'audio',
        path: abs(d.path?.value ?? ''),
        words: d.words?.value.map((w) => w.value) ?? [],
        ...(d.silence ? { silence: d.silence.value } : {}),
        ...(d.unknown ? { unknown: d.unknown.value } : {}),
        features: mfccSettingsOf(d.features),
        augment: audioAugmentationOf(d.augment),
        ...common,
      };
      break;
  }
  // Audio augmentation works on the waveform, before the features (in the spec above).
  const aug = d.kind.value === 'audio' ? undefined : d.augment;
  const constraints: ConstraintConfig[] = search.constraints.map((c) => ({
    metric: c.metric.value,
    limit: c.metric.value === 'latency' ? c.limit.value * 1000 : c.limit.value,
    mode: c.mode,
    from: 'file',
  }));
  // The device itself is always a hard limit: what TFLM allocates (the arena) must fit in its RAM,
  // and the model in its flash, less the reserves.
  constraints.push(
    { metric: 'arena', limit: target.ramBytes - target.ramReserve, mode: 'hard', from: 'board' },
    { metric: 'flash', limit: target.flashBytes - target.flashReserve, mode: 'hard', from: 'board' },
  );
  const st = search.strategy;
  const t = search.train;
  const optimizer = t?.optimizer?.value ?? 'adam';
  const epochs = t?.epochs?.value ?? 10;
  const config: SearchConfig = {
    version: 1,
    name: search.name.name,
    ...(file ? { source: file } : {}),
    dataset: {
      spec,
      input,
      classes,
      augment: {
        ...(aug?.shift ? { shift: aug.shift } : {}),
        ...(aug?.rotate ? { rotation: aug.rotate } : {}),
        ...(aug?.flip ? { flip: true } : {}),
      },
    },
    target,
    constraints,
    objectives: search.objectives?.value.map((o) => o.value) ?? ['error', 'ram', 'flash', 'macs'],
    space: withPruning(resolveSpace(spaceDecl, input, classes), search.pruning, t?.epochs?.value ?? 10),
    strategy: {
      kind: st?.kind.value ?? 'evolution',
      population: st?.population?.value ?? 100,
      sample: st?.sample?.value ?? 25,
      rounds: st?.rounds?.value ?? 2000,
      workers: st?.workers?.value ?? 0,
      seed: st?.seed?.value ?? 0,
      ...(st?.halving ? { halving: st.halving.value } : {}),
      ...(st?.kind.value === 'bayesian' ? { initial: st.initial?.value ?? 20 } : {}),
      ...(st?.time ? { time: st.time.value } : {}),
    },
    train: {
      epochs,
      batch: t?.batch?.value ?? 128,
      optimizer,
      lr: t?.lr?.value ?? (optimizer === 'adam' ? 0.001 : 0.01),
      momentum: t?.momentum?.value ?? 0.9,
      weightDecay: t?.weightDecay?.value ?? 0,
      schedule: t?.schedule?.value ?? { kind: 'constant' },
      earlyStop: t?.earlyStop?.value ?? 0,
      labelSmoothing: t?.labelSmoothing?.value ?? 0,
    },
    baselines: search.baselines.flatMap((b) => {
      const m = doc.models.find((x) => x.name.name === b.name);
      return m ? [{ name: m.name.name, text: modelText(doc, m) }] : [];
    }),
    convention: search.convention?.value ?? 'tflm',
    final: {
      top: search.final?.top?.value ?? DEFAULT_FINAL_TOP,
      epochs: search.final?.epochs?.value ?? epochs,
      ...(search.final?.knees ? { knees: true } : {}),
      ...(search.final?.warm ? { warm: true } : {}),
      ...(search.final?.time ? { time: search.final.time.value } : {}),
      ...(search.final?.distinct ? { distinct: true } : {}),
    },
    ...(search.inherit
      ? { inherit: { epochs: search.inherit.epochs?.value ?? Math.max(1, Math.round(epochs / 3)) } }
      : {}),
  };
  return { ok: true, config };
}

function modelText(doc: UnasDocument, m: ModelDecl): string {
  // The source text of the model block, so the run folder is self-contained.
  return doc.syntax.text.slice(m.span.start, m.span.end);
}

/** The device a search targets, with its reserves; what it cannot resolve goes to `errors`. */
export function resolveTarget(search: SearchDecl, errors: string[]): TargetConfig | undefined {
  const t = search.target;
  const id = t?.board?.name ?? DEFAULT_BOARD;
  if (id === 'custom') {
    const core = t?.core?.value;
    if (!t?.ram || !t.flash || !core || !t.clockHz) {
      errors.push('a custom target needs ram, flash, core and clock');
      return undefined;
    }
    if (!isCoreId(core)) {
      errors.push(`unknown core '${core}'`);
      return undefined;
    }
    return {
      board: 'custom',
      name: 'custom target',
      core,
      clockHz: t.clockHz.value,
      ...(t.kernels ? { kernels: t.kernels.value } : {}),
      ramBytes: t.ram.value,
      flashBytes: t.flash.value,
      ramReserve: t.ramReserve?.value ?? 0,
      flashReserve: t.flashReserve?.value ?? 0,
    };
  }
  const b = findBoard(id);
  if (!b) {
    errors.push(`unknown board '${id}'`);
    return undefined;
  }
  const budget = boardBudget(b);
  const ramBytes = t?.ram?.value ?? b.ramBytes;
  const flashBytes = t?.flash?.value ?? b.flashBytes;
  return {
    board: b.id,
    name: b.name,
    core: t?.core && isCoreId(t.core.value) ? t.core.value : b.core,
    clockHz: t?.clockHz?.value ?? b.clockHz,
    ...(t?.kernels ? { kernels: t.kernels.value } : {}),
    ramBytes,
    flashBytes,
    // A board whose largest contiguous RAM is smaller than its total keeps the difference in reserve.
    ramReserve: t?.ramReserve?.value ?? ramBytes - budget.ram,
    flashReserve: t?.flashReserve?.value ?? flashBytes - budget.flash,
  };
}

/** The pruning block, defaults applied: window from epoch 2 to three quarters of training, masks every 16 batches. */
function withPruning(space: SearchSpace, p: PruningDecl | undefined, epochs: number): SearchSpace {
  if (!p?.kind) return space;
  const end = Math.min(epochs, p.epochs?.value.max ?? Math.max(1, Math.round(epochs * 0.75)));
  const start = Math.min(end, p.epochs?.value.min ?? Math.min(2, end));
  return {
    ...space,
    pruning: {
      kind: p.kind.value,
      sparsity:
        p.sparsity?.value ??
        (p.kind.value === 'structured' ? { min: 0.1, max: 0.8 } : { min: 0.2, max: 0.98 }),
      start,
      end,
      every: p.every?.value ?? DEFAULT_MASK_EVERY,
    },
  };
}

/** Fills what the file left out with μNAS's defaults. */
export function resolveSpace(sp: SpaceDecl, input: readonly number[], classes: number): SearchSpace {
  const d = MUNAS_SPACE;
  return {
    input,
    classes,
    blocks: sp.blocks?.value ?? d.blocks,
    layers: sp.layers?.value ?? d.layers,
    layer: {
      types: sp.types?.value ?? d.layer.types,
      kernels: sp.kernels?.value ?? d.layer.kernels,
      strides: sp.strides?.value ?? d.layer.strides,
      channels: sp.channels?.value ?? d.layer.channels,
      padding: sp.padding?.value ?? d.layer.padding,
      prepool: sp.prepool?.value ?? d.layer.prepool,
      batchnorm: sp.batchnorm?.value ?? d.layer.batchnorm,
      relu: sp.relu?.value ?? d.layer.relu,
    },
    branch: sp.branch?.value ?? d.branch,
    pool: sp.pool?.value ?? d.pool,
    dense: sp.dense?.value ?? d.dense,
    units: sp.units?.value ?? d.units,
    dropout: sp.dropout?.value ?? d.dropout,
  };
}
