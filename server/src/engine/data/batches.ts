/**
 * Feeds a split to the trainer batch by batch: a seeded permutation per epoch, optional
 * augmentation, normalisation, all written into buffers the caller allocated once. The whole
 * set is never copied; a batch reads its samples straight from the shared uint8 store.
 */
import { type Augmentation, drawTransform, IDENTITY_TRANSFORM, isActive, renderSample } from './augment.js';
import { type InputShape, type Split, sampleSize } from './dataset.js';
import { type Normalisation, normalisationTable, UNIT } from './normalisation.js';
import { deriveSeed, mulberry32, shuffleInPlace } from '../rng/seeded-rng.js';

export interface BatchOptions {
  readonly batchSize: number;
  readonly seed: number;
  /** Visit samples in a fresh seeded order every epoch (default true). */
  readonly shuffle?: boolean;
  readonly augmentation?: Augmentation;
  /** Default: pixels / 255. */
  readonly normalisation?: Normalisation;
  /** Read a split's precomputed augmented copies (default true; evaluation passes false). */
  readonly copies?: boolean;
  /** Skip the last batch when it is not full (default false: it is filled partly). */
  readonly dropLast?: boolean;
}

/** Caller-owned batch storage, reused for every batch. */
export interface BatchBuffers {
  /** batchSize × H × W × C; after a partial batch only the first n samples are meaningful. */
  readonly inputs: Float32Array;
  readonly labels: Int32Array;
}

export function allocateBatch(shape: InputShape, batchSize: number): BatchBuffers {
  return { inputs: new Float32Array(batchSize * sampleSize(shape)), labels: new Int32Array(batchSize) };
}

/** The order in which an epoch visits split positions: the same for the same (seed, epoch). */
export function epochOrder(size: number, seed: number, epoch: number, shuffle = true): Uint32Array {
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  return shuffle ? shuffleInPlace(order, mulberry32(deriveSeed(seed, epoch, 0x5eed))) : order;
}

export interface BatchIterator {
  readonly split: Split;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  /**
   * Fills batch `batch` of `epoch` into `buffers` and returns how many samples it holds
   * (batchSize, fewer for the last batch, 0 past the end). Deterministic for (seed, epoch, batch),
   * so any batch can be regenerated on its own.
   */
  fill(epoch: number, batch: number, buffers: BatchBuffers): number;
  /** Fills the epoch's batches one after another into the same buffers, yielding each sample count. */
  batches(epoch: number, buffers: BatchBuffers): Generator<number, void, undefined>;
}

export function createBatchIterator(split: Split, options: BatchOptions): BatchIterator {
  const { batchSize, seed } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const n = sampleSize(split.shape);
  const table = normalisationTable(options.normalisation ?? UNIT, split.shape[2]);
  const augmentation = isActive(options.augmentation) ? options.augmentation : undefined;
  const interpolation = augmentation?.interpolation ?? 'bilinear';
  const shuffle = options.shuffle ?? true;
  const batchesPerEpoch = options.dropLast
    ? Math.floor(split.size / batchSize)
    : Math.ceil(split.size / batchSize);
  // The current epoch's order, computed once per epoch rather than per batch.
  let cached: { epoch: number; order: Uint32Array } | undefined;
  const orderOf = (epoch: number): Uint32Array => {
    if (cached?.epoch !== epoch) cached = { epoch, order: epochOrder(split.size, seed, epoch, shuffle) };
    return cached.order;
  };

  const fill = (epoch: number, batch: number, buffers: BatchBuffers): number => {
    if (buffers.inputs.length < batchSize * n || buffers.labels.length < batchSize) {
      throw new RangeError(
        `batch buffers hold ${buffers.labels.length} samples of ${buffers.inputs.length / Math.max(1, buffers.labels.length)} values; need ${batchSize} of ${n}`,
      );
    }
    if (batch < 0 || batch >= batchesPerEpoch) return 0;
    const order = orderOf(epoch);
    const start = batch * batchSize;
    const count = Math.min(batchSize, split.size - start);
    const rng = augmentation ? mulberry32(deriveSeed(seed, epoch, batch, 0xa097)) : undefined;
    const copies = options.copies === false ? 0 : (split.copies ?? 0);
    const copyRng = copies ? mulberry32(deriveSeed(seed, epoch, batch, 0xc0b1e5)) : undefined;
    const cleanRows = split.labels.length / (1 + copies);
    for (let k = 0; k < count; k++) {
      // Precomputed augmented copies (audio): each visit reads a random version of the sample.
      const version = copyRng ? copyRng.int(1 + copies) : 0;
      const row = split.rows[order[start + k]!]! + version * cleanRows;
      buffers.labels[k] = split.labels[row]!;
      const t = augmentation && rng ? drawTransform(augmentation, rng) : IDENTITY_TRANSFORM;
      if (t === IDENTITY_TRANSFORM) {
        const src = row * n;
        const dst = k * n;
        const ch = split.shape[2];
        if (ch === 1) for (let p = 0; p < n; p++) buffers.inputs[dst + p] = table[split.images[src + p]!]!;
        else
          for (let p = 0; p < n; p++)
            buffers.inputs[dst + p] = table[(p % ch) * 256 + split.images[src + p]!]!;
      } else {
        renderSample(split.images, row * n, split.shape, t, interpolation, table, buffers.inputs, k * n);
      }
    }
    return count;
  };

  return {
    split,
    batchSize,
    batchesPerEpoch,
    fill,
    *batches(epoch, buffers) {
      for (let b = 0; b < batchesPerEpoch; b++) yield fill(epoch, b, buffers);
    },
  };
}
