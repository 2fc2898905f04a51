/**
 * The one entry point: a plain spec (as written in a `.unas` file) → a Dataset with its
 * stratified validation split and optional training subset. Paths are resolved against the
 * spec file's folder. Nothing is cached: callers that load twice decide whether to keep it.
 */
import * as path from 'node:path';
import type { Interpolation } from './augment.js';
import { type AudioSpec, loadAudioDataset } from './audio/load-audio.js';
import { loadCifar10 } from './cifar10.js';
import { type Dataset, DatasetError, type InputShape } from './dataset.js';
import { loadImageFolder } from './image-folder.js';
import {
  DEBIAN_FASHION_MNIST_DIR,
  loadFashionMnist,
  loadIdxFiles,
  loadMnist,
  mnistDataDir,
  type SourceData,
} from './mnist.js';
import { deriveSeed } from '../rng/seeded-rng.js';
import { stratifiedFraction, stratifiedTake } from './stratify.js';

export type SourceSpec =
  | { readonly kind: 'mnist' }
  | { readonly kind: 'fashion-mnist'; readonly path?: string }
  | { readonly kind: 'cifar10'; readonly path: string; readonly binary?: boolean }
  | {
      readonly kind: 'idx';
      readonly trainImages: string;
      readonly trainLabels: string;
      readonly testImages: string;
      readonly testLabels: string;
      /** Default: largest label + 1. */
      readonly classes?: number;
      readonly name?: string;
    }
  | {
      readonly kind: 'images';
      readonly path: string;
      readonly input: InputShape;
      readonly resize?: Interpolation;
      readonly testFraction?: number;
    }
  | AudioSpec;

export interface CommonOptions {
  /** Share of each training class held out for validation (default 0.1, as μNAS). */
  readonly validation?: number;
  /** Train on a stratified sample of this many images (cheap low-fidelity evaluations). */
  readonly subset?: number;
  /** Seeds the validation split, the subset and the test split of image folders (default 0). */
  readonly seed?: number;
}

export type DatasetSpec = SourceSpec & CommonOptions;

export interface LoadContext {
  /** Folder of the `.unas` file; relative paths are resolved against it. */
  readonly baseDir: string;
  /** Overrides where built-in data lives (tests, bundled installs). */
  readonly mnistDir?: string;
  readonly fashionMnistDir?: string;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

function checkOptions(spec: DatasetSpec): void {
  const v = spec.validation;
  if (v !== undefined && !(typeof v === 'number' && v >= 0 && v < 1))
    throw new DatasetError(undefined, `validation must be a fraction in [0, 1), got ${String(v)}`);
  if (spec.subset !== undefined && !(isCount(spec.subset) && spec.subset > 0))
    throw new DatasetError(undefined, `subset must be a positive whole number, got ${String(spec.subset)}`);
  if (spec.seed !== undefined && !isCount(spec.seed))
    throw new DatasetError(undefined, `seed must be a non-negative whole number, got ${String(spec.seed)}`);
}

async function loadSource(spec: SourceSpec, context: LoadContext, seed: number): Promise<SourceData> {
  // Specs come from user files: check the path fields before path.resolve meets a non-string.
  const resolve = (p: unknown): string => {
    if (typeof p !== 'string' || p === '')
      throw new DatasetError(undefined, `${spec.kind} dataset needs a path, got ${String(p)}`);
    return path.resolve(context.baseDir, p);
  };
  switch (spec.kind) {
    case 'mnist':
      return loadMnist(context.mnistDir ?? mnistDataDir());
    case 'fashion-mnist':
      return loadFashionMnist(
        spec.path !== undefined ? resolve(spec.path) : (context.fashionMnistDir ?? DEBIAN_FASHION_MNIST_DIR),
      );
    case 'cifar10':
      return loadCifar10(resolve(spec.path), { binary: spec.binary ?? false });
    case 'idx': {
      const files = {
        trainImages: resolve(spec.trainImages),
        trainLabels: resolve(spec.trainLabels),
        testImages: resolve(spec.testImages),
        testLabels: resolve(spec.testLabels),
      };
      const name = spec.name ?? path.basename(path.dirname(files.trainImages));
      if (spec.classes !== undefined) return loadIdxFiles(files, { name, classes: spec.classes });
      const source = await loadIdxFiles(files, { name, classes: 256 });
      let max = 0;
      for (const split of [source.train, source.test])
        for (const label of split.labels) max = Math.max(max, label);
      return { ...source, classes: max + 1 };
    }
    case 'images':
      return loadImageFolder(resolve(spec.path), {
        input: spec.input,
        seed,
        ...(spec.resize ? { resize: spec.resize } : {}),
        ...(spec.testFraction !== undefined ? { testFraction: spec.testFraction } : {}),
      });
    case 'audio':
      throw new DatasetError(undefined, 'audio datasets load through loadAudioDataset');
    default:
      throw new DatasetError(
        undefined,
        `unknown dataset kind "${String((spec as { kind?: unknown }).kind)}" (expected mnist, fashion-mnist, cifar10, idx, images or audio)`,
      );
  }
}

export async function loadDataset(spec: DatasetSpec, context: LoadContext): Promise<Dataset> {
  checkOptions(spec);
  const seed = spec.seed ?? 0;
  if (spec.kind === 'audio') {
    // Speech Commands brings its own validation split (list files or speaker hash).
    if (typeof spec.path !== 'string' || spec.path === '')
      throw new DatasetError(undefined, `audio dataset needs a path, got ${String(spec.path)}`);
    const data = await loadAudioDataset(path.resolve(context.baseDir, spec.path), spec, {
      seed,
      ...(spec.validation !== undefined ? { validation: spec.validation } : {}),
    });
    if (spec.subset === undefined || spec.subset >= data.train.size) return data;
    const train = stratifiedTake(data.train, spec.subset, data.classes, deriveSeed(seed, 0x5ab5e7)).taken;
    return { ...data, train };
  }
  const source = await loadSource(spec, context, seed);
  const parts = stratifiedFraction(
    source.train,
    spec.validation ?? 0.1,
    source.classes,
    deriveSeed(seed, 0x7a11d),
  );
  let train = parts.rest;
  if (spec.subset !== undefined && spec.subset < train.size) {
    train = stratifiedTake(train, spec.subset, source.classes, deriveSeed(seed, 0x5ab5e7)).taken;
  }
  return { ...source, train, validation: parts.taken };
}
