/**
 * A folder of images per class: `root/<class>/*.png|jpg|jpeg`, or `root/train/<class>/…` with an
 * optional `root/test/<class>/…`. Class names are the sorted folder names; without a test folder
 * a stratified test fraction is split off. All images go into one store; splits are views.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Interpolation } from './augment.js';
import {
  DatasetError,
  type InputShape,
  labelArrayFor,
  sampleSize,
  viewSplit,
  wholeSplit,
} from './dataset.js';
import { decodeImage, resampleInto } from './image-decode.js';
import type { SourceData } from './mnist.js';
import { describeIoError, readDataFile } from './read-file.js';
import { deriveSeed } from '../rng/seeded-rng.js';
import { stratifiedFraction } from './stratify.js';

export interface ImageFolderOptions {
  readonly input: InputShape;
  /** Resampling to the input size (default bilinear). */
  readonly resize?: Interpolation;
  /** Share of each class held out for testing when there is no test folder (default 0.2). */
  readonly testFraction?: number;
  readonly seed: number;
}

const IMAGE_EXT = /\.(png|jpe?g)$/i;
const READ_AHEAD = 16;

interface ClassFolder {
  readonly name: string;
  readonly files: readonly string[];
}

async function entries(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new DatasetError(
      dir,
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'folder not found' : describeIoError(error),
    );
  }
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const subfolders = (list: import('node:fs').Dirent[]): string[] =>
  list
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(byName);

async function classFolders(dir: string): Promise<ClassFolder[]> {
  const names = subfolders(await entries(dir));
  if (names.length === 0) throw new DatasetError(dir, 'no class folders (expected <class>/*.png|jpg|jpeg)');
  return Promise.all(
    names.map(async (name) => {
      const folder = path.join(dir, name);
      const files = (await entries(folder))
        .filter((e) => e.isFile() && IMAGE_EXT.test(e.name))
        .map((e) => path.join(folder, e.name))
        .sort(byName);
      return { name, files };
    }),
  );
}

async function hasClassFolders(dir: string): Promise<boolean> {
  try {
    return subfolders(await readdir(dir, { withFileTypes: true })).length > 0;
  } catch {
    return false;
  }
}

export async function loadImageFolder(root: string, options: ImageFolderOptions): Promise<SourceData> {
  const shape = options.input;
  const [h, w, ch] = shape;
  if (![h, w].every((d) => Number.isInteger(d) && d >= 1) || (ch !== 1 && ch !== 3)) {
    throw new DatasetError(
      root,
      `input shape ${shape.join('×')} is not supported: need H×W×1 (grayscale) or H×W×3 (RGB)`,
    );
  }
  const top = await entries(root);
  const split = subfolders(top).includes('train') && (await hasClassFolders(path.join(root, 'train')));
  const train = await classFolders(split ? path.join(root, 'train') : root);
  const test =
    split && (await hasClassFolders(path.join(root, 'test')))
      ? await classFolders(path.join(root, 'test'))
      : undefined;

  const classNames = train.map((c) => c.name);
  for (const c of train)
    if (c.files.length === 0)
      throw new DatasetError(
        path.join(split ? path.join(root, 'train') : root, c.name),
        'class folder holds no .png/.jpg/.jpeg images',
      );
  for (const c of test ?? []) {
    if (!classNames.includes(c.name))
      throw new DatasetError(
        path.join(root, 'test', c.name),
        `test class "${c.name}" has no training folder (classes: ${classNames.join(', ')})`,
      );
  }

  const items = [...train, ...(test ?? [])].flatMap((c) =>
    c.files.map((file) => ({ file, label: classNames.indexOf(c.name) })),
  );
  const trainCount = train.reduce((a, c) => a + c.files.length, 0);
  const n = sampleSize(shape);
  const images = new Uint8Array(items.length * n);
  const labels = labelArrayFor(classNames.length, items.length);
  // Bounded read-ahead: fast on many small files without holding them all in memory.
  for (let first = 0; first < items.length; first += READ_AHEAD) {
    const chunk = items.slice(first, first + READ_AHEAD);
    const decoded = await Promise.all(
      chunk.map(async ({ file }) => decodeImage(await readDataFile(file), file)),
    );
    decoded.forEach((image, k) => {
      resampleInto(image, shape, options.resize ?? 'bilinear', images, (first + k) * n);
      labels[first + k] = chunk[k]!.label;
    });
  }

  const all = wholeSplit(shape, images, labels);
  const base = {
    name: path.basename(path.resolve(root)),
    inputShape: shape,
    classes: classNames.length,
    classNames,
  };
  if (test) {
    const rows = (from: number, to: number): Uint32Array => all.rows.slice(from, to);
    return {
      ...base,
      train: viewSplit(all, rows(0, trainCount)),
      test: viewSplit(all, rows(trainCount, items.length)),
    };
  }
  const parts = stratifiedFraction(
    all,
    options.testFraction ?? 0.2,
    classNames.length,
    deriveSeed(options.seed, 0x7e57),
  );
  return { ...base, train: parts.rest, test: parts.taken };
}
