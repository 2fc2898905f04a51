import { createHash } from 'node:crypto';
import type { Dataset } from './dataset.js';

const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const cache = new WeakMap<Uint8Array, string>();

/**
 * SHA-256 of a dataset's pixels and labels (training and test stores) and its shape: two machines
 * train the same candidates only if this agrees. Splits, subsets and the validation share are
 * views chosen by the spec's seeds, so they are not hashed; the store is. Cached per store.
 */
export function datasetFingerprint(d: Dataset): string {
  const known = cache.get(d.train.images);
  if (known) return known;
  const h = createHash('sha256');
  h.update(JSON.stringify({ shape: d.inputShape, classes: d.classes }));
  for (const s of [d.train, d.test]) {
    h.update(JSON.stringify({ rows: s.labels.length }));
    h.update(bytes(s.images));
    h.update(bytes(s.labels));
  }
  const fingerprint = h.digest('hex');
  cache.set(d.train.images, fingerprint);
  return fingerprint;
}
