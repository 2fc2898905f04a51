/**
 * CIFAR-10 "binary version": data_batch_1..5.bin and test_batch.bin, each a run of 3 073-byte
 * records (1 label byte, then 32×32 red, green and blue planes). Stored here as HWC like every
 * other dataset. The μNAS "CIFAR-10 binary" task maps labels < 5 to 0 and ≥ 5 to 1.
 */
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { DatasetError, type InputShape, type Labels, wholeSplit } from './dataset.js';
import type { SourceData } from './mnist.js';
import { allInOrder, readDataFile } from './read-file.js';

export const CIFAR_SHAPE: InputShape = [32, 32, 3];
const PLANE = 32 * 32;
const RECORD = 1 + 3 * PLANE;

export const CIFAR10_CLASS_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

/** Label mapping of the μNAS binary task: classes 0–4 → 0, 5–9 → 1. */
export const CIFAR10_BINARY_LABELS: readonly number[] = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];

export const CIFAR_TRAIN_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
] as const;
export const CIFAR_TEST_FILE = 'test_batch.bin';

/** Number of whole records in a CIFAR batch file, or a DatasetError naming it. */
export function cifarRecordCount(bytes: Uint8Array, file: string): number {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new DatasetError(
      file,
      `truncated or not a CIFAR-10 binary batch: ${bytes.length} bytes is not a whole number of ${RECORD}-byte records (1 label byte + 32×32×3 pixels)`,
    );
  }
  return bytes.length / RECORD;
}

/**
 * Decodes the records of one batch file into rows `first…` of `images` (HWC) and `labels`,
 * mapping labels through `labelMap` when given.
 */
export function decodeCifarRecords(
  bytes: Uint8Array,
  file: string,
  images: Uint8Array,
  labels: Labels,
  first: number,
  labelMap?: readonly number[],
): number {
  const count = cifarRecordCount(bytes, file);
  for (let r = 0; r < count; r++) {
    const src = r * RECORD;
    const label = bytes[src]!;
    if (label > 9)
      throw new DatasetError(file, `label ${label} in record ${r} is out of range for 10 classes (0–9)`);
    labels[first + r] = labelMap ? labelMap[label]! : label;
    const dst = (first + r) * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      images[dst + 3 * p] = bytes[src + 1 + p]!;
      images[dst + 3 * p + 1] = bytes[src + 1 + PLANE + p]!;
      images[dst + 3 * p + 2] = bytes[src + 1 + 2 * PLANE + p]!;
    }
  }
  return count;
}

async function decodeFiles(
  files: readonly string[],
  labelMap?: readonly number[],
): Promise<{ images: Uint8Array; labels: Uint8Array }> {
  const contents = await allInOrder(files.map(readDataFile));
  const counts = contents.map((bytes, i) => cifarRecordCount(bytes, files[i]!));
  const total = counts.reduce((a, b) => a + b, 0);
  const images = new Uint8Array(total * 3 * PLANE);
  const labels = new Uint8Array(total);
  let first = 0;
  contents.forEach((bytes, i) => {
    first += decodeCifarRecords(bytes, files[i]!, images, labels, first, labelMap);
  });
  return { images, labels };
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/** Accepts the folder holding the batches or its parent (where the archive extracts `cifar-10-batches-bin/`). */
async function batchFolder(dir: string): Promise<string> {
  const nested = path.join(dir, 'cifar-10-batches-bin');
  if (
    !(await exists(path.join(dir, CIFAR_TRAIN_FILES[0]))) &&
    (await exists(path.join(nested, CIFAR_TRAIN_FILES[0])))
  )
    return nested;
  return dir;
}

export interface CifarOptions {
  /** The μNAS two-class task (labels < 5 vs ≥ 5). */
  readonly binary?: boolean;
}

export async function loadCifar10(dir: string, options: CifarOptions = {}): Promise<SourceData> {
  const folder = await batchFolder(dir);
  const labelMap = options.binary ? CIFAR10_BINARY_LABELS : undefined;
  const [train, test] = await allInOrder([
    decodeFiles(
      CIFAR_TRAIN_FILES.map((f) => path.join(folder, f)),
      labelMap,
    ),
    decodeFiles([path.join(folder, CIFAR_TEST_FILE)], labelMap),
  ]);
  return {
    name: options.binary ? 'CIFAR-10 binary' : 'CIFAR-10',
    inputShape: CIFAR_SHAPE,
    classes: options.binary ? 2 : 10,
    classNames: options.binary ? ['airplane–deer (0–4)', 'dog–truck (5–9)'] : CIFAR10_CLASS_NAMES,
    train: wholeSplit(CIFAR_SHAPE, train.images, train.labels),
    test: wholeSplit(CIFAR_SHAPE, test.images, test.labels),
  };
}
