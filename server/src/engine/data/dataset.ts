/**
 * The dataset model shared by every loader, the batch iterator and the trainer. Deliberately
 * tensor-free: the trainer wraps filled batches into tensors, so the engine can load, split and
 * inspect data without tfjs.
 *
 * Images are stored once, as uint8 HWC rows in one contiguous buffer (MNIST's 60 000 training
 * images are 47 MB). A split is a view: a list of row numbers into that buffer, so validation
 * splits, subsets and per-epoch orders never copy pixels.
 */

import type { FrontEnd } from '../features/front-end.js';

/** [height, width, channels]. */
export type InputShape = readonly [number, number, number];

/** Class indices, uint8 while there are at most 256 classes. */
export type Labels = Uint8Array | Uint16Array;

/** The rows of a backing store that belong to one split (train, validation, test, a subset). */
export interface Split {
  readonly shape: InputShape;
  /** Backing store: rows of H×W×C uint8 pixels, possibly shared with other splits. */
  readonly images: Uint8Array;
  /** Backing labels, one per row of `images`. */
  readonly labels: Labels;
  /** Rows of the backing store in this split; sample i is row `rows[i]`. */
  readonly rows: Uint32Array;
  readonly size: number;
  /**
   * Augmented copies of every row, precomputed (audio): with R = labels.length / (1 + copies)
   * clean rows first, copy c of row r is row c·R + r. An augmented epoch reads one version per sample.
   */
  readonly copies?: number;
}

export interface Dataset {
  readonly name: string;
  readonly inputShape: InputShape;
  readonly classes: number;
  readonly classNames?: readonly string[];
  readonly train: Split;
  readonly validation: Split;
  readonly test: Split;
  /** The feature extraction in front of the network (audio), which the exporter writes next to the model. */
  readonly frontEnd?: FrontEnd;
}

/** A loading problem the user can fix: names the offending file (when there is one). */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  constructor(
    readonly file: string | undefined,
    readonly detail: string,
  ) {
    super(file === undefined ? detail : `${file}: ${detail}`);
  }
}

export const sampleSize = (shape: InputShape): number => shape[0] * shape[1] * shape[2];

/** A split over every row of a store, in store order. */
export function wholeSplit(shape: InputShape, images: Uint8Array, labels: Labels): Split {
  const count = labels.length;
  if (images.length !== count * sampleSize(shape)) {
    throw new RangeError(`image buffer holds ${images.length} bytes, expected ${count} × ${shape.join('×')}`);
  }
  const rows = new Uint32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i;
  return { shape, images, labels, rows, size: count };
}

/** A split over chosen rows of the same store as `split` (rows are backing-store rows). */
export function viewSplit(split: Split, rows: Uint32Array): Split {
  return {
    shape: split.shape,
    images: split.images,
    labels: split.labels,
    rows,
    size: rows.length,
    ...(split.copies ? { copies: split.copies } : {}),
  };
}

export function labelAt(split: Split, i: number): number {
  return split.labels[split.rows[i]!]!;
}

/** The pixels of sample i, without copying. */
export function imageAt(split: Split, i: number): Uint8Array {
  const n = sampleSize(split.shape);
  const row = split.rows[i]!;
  return split.images.subarray(row * n, row * n + n);
}

/** Number of samples of each class in the split. */
export function classCounts(split: Split, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < split.size; i++) counts[labelAt(split, i)]! += 1;
  return counts;
}

export function labelArrayFor(classes: number, count: number): Labels {
  return classes <= 256 ? new Uint8Array(count) : new Uint16Array(count);
}

/** Per-channel mean and standard deviation of the split's pixels, in [0, 1] units. */
export function channelStats(split: Split): { mean: number[]; std: number[] } {
  const channels = split.shape[2];
  const n = sampleSize(split.shape);
  // A histogram per channel keeps the pass integer-only; moments come from 256 bins.
  const hist = new Float64Array(channels * 256);
  for (let i = 0; i < split.size; i++) {
    const base = split.rows[i]! * n;
    for (let p = 0; p < n; p++) hist[(p % channels) * 256 + split.images[base + p]!]! += 1;
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let count = 0;
    let sum = 0;
    let sq = 0;
    for (let v = 0; v < 256; v++) {
      const h = hist[c * 256 + v]!;
      const x = v / 255;
      count += h;
      sum += h * x;
      sq += h * x * x;
    }
    const m = count > 0 ? sum / count : 0;
    mean.push(m);
    std.push(count > 0 ? Math.sqrt(Math.max(0, sq / count - m * m)) : 0);
  }
  return { mean, std };
}
