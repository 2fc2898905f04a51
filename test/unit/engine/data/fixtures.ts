/** Small generated data files for the dataset tests (written to a fresh temp dir per test file). */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type InputShape, type Split, wholeSplit } from '../../../../server/src/engine/data/dataset.js';

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `unas-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function idxBytes(magic: number, dims: readonly number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** count images of h×w, pixel (i, p) = (i * 7 + p) & 255, label i % classes. */
export function syntheticImages(
  count: number,
  h: number,
  w: number,
  classes = 10,
): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(count * h * w);
  for (let i = 0; i < count; i++) for (let p = 0; p < h * w; p++) images[i * h * w + p] = (i * 7 + p) & 255;
  const labels = Uint8Array.from({ length: count }, (_, i) => i % classes);
  return { images, labels };
}

export function writeIdxPair(
  dir: string,
  prefix: string,
  count: number,
  h: number,
  w: number,
  gzip = false,
): { images: string; labels: string; data: ReturnType<typeof syntheticImages> } {
  const data = syntheticImages(count, h, w);
  const ext = gzip ? '.gz' : '';
  const images = path.join(dir, `${prefix}-images-idx3-ubyte${ext}`);
  const labels = path.join(dir, `${prefix}-labels-idx1-ubyte${ext}`);
  const pack = (b: Buffer): Buffer => (gzip ? gzipSync(b) : b);
  writeFileSync(images, pack(idxBytes(0x803, [count, h, w], data.images)));
  writeFileSync(labels, pack(idxBytes(0x801, [count], data.labels)));
  return { images, labels, data };
}

export function writeFile(file: string, bytes: Uint8Array | string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return file;
}

/** A split with `perClass[c]` samples of class c; pixel values encode the row number. */
export function labelledSplit(perClass: readonly number[], shape: InputShape = [2, 2, 1]): Split {
  const labels = Uint8Array.from(perClass.flatMap((n, c) => new Array<number>(n).fill(c)));
  const size = shape[0] * shape[1] * shape[2];
  const images = new Uint8Array(labels.length * size);
  for (let i = 0; i < labels.length; i++) images.fill(i & 255, i * size, (i + 1) * size);
  return wholeSplit(shape, images, labels);
}
