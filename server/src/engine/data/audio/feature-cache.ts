/**
 * The feature cache of an audio dataset: `<data>/.unas-cache/mfcc-<key>.bin`, where the key hashes
 * the front-end and split settings and every file's name, size and time, so any change computes
 * afresh. The file is untrusted like any other: a cache that does not parse exactly is ignored and
 * rewritten; one that cannot be written (a read-only folder) only costs the next load its time.
 *
 * Layout: "UNASMFCC1\n", a uint32 header length, the JSON header, then train images, train labels,
 * held-out images, held-out labels (validation rows first, then test rows).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FeatureQuantization } from '../../features/front-end.js';
import type { InputShape } from '../dataset.js';

export interface CachedFeatures {
  readonly quantization: FeatureQuantization;
  /** Augmented copies per training clip (rows after the clean ones, block by block). */
  readonly copies: number;
  /** Held-out rows that are validation; the rest are test. */
  readonly validationCount: number;
  readonly train: { readonly images: Uint8Array; readonly labels: Uint8Array };
  readonly held: { readonly images: Uint8Array; readonly labels: Uint8Array };
}

const MAGIC = 'UNASMFCC1\n';
export const CACHE_DIR = '.unas-cache';

export const cacheKey = (what: unknown): string =>
  createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 24);

const cacheFile = (root: string, key: string): string => path.join(root, CACHE_DIR, `mfcc-${key}.bin`);

interface Header {
  quantization: FeatureQuantization;
  copies: number;
  validationCount: number;
  trainRows: number;
  heldRows: number;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNumbers = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

function parseHeader(text: string, coefficients: number): Header | undefined {
  let h: unknown;
  try {
    h = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof h !== 'object' || h === null) return undefined;
  const x = h as Record<string, unknown>;
  const q = x.quantization as Record<string, unknown> | undefined;
  if (!q || !isNumbers(q.offset, coefficients) || !isNumbers(q.scale, coefficients)) return undefined;
  if (!(q.scale as number[]).every((s) => s > 0)) return undefined;
  if (![x.copies, x.validationCount, x.trainRows, x.heldRows].every(isCount)) return undefined;
  if ((x.validationCount as number) > (x.heldRows as number)) return undefined;
  if ((x.trainRows as number) % (1 + (x.copies as number)) !== 0) return undefined;
  return x as unknown as Header;
}

/** The cached features, or undefined when there are none that fit exactly. */
export async function readFeatureCache(
  root: string,
  key: string,
  shape: InputShape,
  classes: number,
): Promise<CachedFeatures | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(cacheFile(root, key));
  } catch {
    return undefined;
  }
  if (bytes.length < MAGIC.length + 4 || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC)
    return undefined;
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4 + headerLength;
  if (start > bytes.length) return undefined;
  const header = parseHeader(bytes.toString('utf8', MAGIC.length + 4, start), shape[1]);
  if (!header) return undefined;
  const n = shape[0] * shape[1] * shape[2];
  const sizes = [header.trainRows * n, header.trainRows, header.heldRows * n, header.heldRows];
  if (start + sizes.reduce((a, b) => a + b, 0) !== bytes.length) return undefined;
  const parts: Uint8Array[] = [];
  let at = start;
  for (const size of sizes) {
    parts.push(Uint8Array.from(bytes.subarray(at, at + size)));
    at += size;
  }
  if (![parts[1]!, parts[3]!].every((labels) => labels.every((l) => l < classes))) return undefined;
  return {
    quantization: header.quantization,
    copies: header.copies,
    validationCount: header.validationCount,
    train: { images: parts[0]!, labels: parts[1]! },
    held: { images: parts[2]!, labels: parts[3]! },
  };
}

/** Writes atomically (temp file + rename), so concurrent workers never read half a cache. */
export async function writeFeatureCache(root: string, key: string, f: CachedFeatures): Promise<void> {
  const header: Header = {
    quantization: f.quantization,
    copies: f.copies,
    validationCount: f.validationCount,
    trainRows: f.train.labels.length,
    heldRows: f.held.labels.length,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const file = cacheFile(root, key);
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(
      temp,
      Buffer.concat([
        Buffer.from(MAGIC, 'latin1'),
        length,
        json,
        f.train.images,
        f.train.labels,
        f.held.images,
        f.held.labels,
      ]),
    );
    await rename(temp, file);
  } catch {
    // A read-only data folder: features are recomputed next time, nothing is lost.
  }
}
