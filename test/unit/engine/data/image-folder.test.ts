import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { classCounts, DatasetError, imageAt, labelAt } from '../../../../server/src/engine/data/dataset.js';
import { decodeImage, resampleInto } from '../../../../server/src/engine/data/image-decode.js';
import { loadImageFolder } from '../../../../server/src/engine/data/image-folder.js';
import { tempDir, writeFile } from './fixtures.js';

const tmp = tempDir('images');
afterAll(tmp.remove);

/** A solid-colour w×h image. */
function png(w: number, h: number, rgb: readonly [number, number, number]): Buffer {
  const image = new PNG({ width: w, height: h });
  for (let p = 0; p < w * h; p++) image.data.set([...rgb, 255], p * 4);
  return PNG.sync.write(image);
}
function jpg(w: number, h: number, rgb: readonly [number, number, number]): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set([...rgb, 255], p * 4);
  return jpeg.encode({ width: w, height: h, data }, 100).data;
}

const RED = [255, 0, 0] as const;
const GREEN = [0, 255, 0] as const;
const GREY = [100, 100, 100] as const;

describe('image decoding and resampling', () => {
  it('decodes PNG and JPEG by content', () => {
    const a = decodeImage(png(3, 2, RED), 'a.png');
    expect([a.width, a.height, ...a.data.subarray(0, 4)]).toEqual([3, 2, 255, 0, 0, 255]);
    const b = decodeImage(jpg(8, 8, GREY), 'b.jpg');
    expect(b.width).toBe(8);
    expect(Math.abs(b.data[0]! - 100)).toBeLessThanOrEqual(2);
  });

  it('rejects a file that is neither, naming it', () => {
    expect(() => decodeImage(new Uint8Array([1, 2, 3, 4]), '/x/notes.png')).toThrow(
      /\/x\/notes\.png: not a PNG or JPEG/,
    );
    expect(() => decodeImage(png(2, 2, RED).subarray(0, 30), '/x/cut.png')).toThrow(DatasetError);
  });

  it('resizes by nearest and bilinear, and converts to luma', () => {
    // 2×1 image: black | white → 4×1.
    const image = { width: 2, height: 1, data: Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 255]) };
    const nearest = new Uint8Array(4);
    resampleInto(image, [1, 4, 1], 'nearest', nearest, 0);
    expect(Array.from(nearest)).toEqual([0, 0, 255, 255]);
    const bilinear = new Uint8Array(4);
    resampleInto(image, [1, 4, 1], 'bilinear', bilinear, 0);
    expect(Array.from(bilinear)).toEqual([0, 64, 191, 255]);
    const luma = new Uint8Array(1);
    resampleInto(
      { width: 1, height: 1, data: Uint8Array.from([255, 0, 0, 255]) },
      [1, 1, 1],
      'nearest',
      luma,
      0,
    );
    expect(luma[0]).toBe(76);
  });
});

describe('image folders', () => {
  it('loads root/<class>/* with sorted class names, resized to the input shape, and splits off a stratified test set', async () => {
    const root = path.join(tmp.dir, 'flat');
    for (let i = 0; i < 5; i++) writeFile(path.join(root, 'red', `r${i}.png`), png(6, 4, RED));
    for (let i = 0; i < 5; i++) writeFile(path.join(root, 'green', `g${i}.JPG`), jpg(8, 8, GREEN));
    writeFile(path.join(root, 'green', 'readme.txt'), 'ignored');
    const data = await loadImageFolder(root, { input: [4, 4, 3], seed: 1, testFraction: 0.2 });
    expect(data.classNames).toEqual(['green', 'red']);
    expect(data.inputShape).toEqual([4, 4, 3]);
    expect([data.train.size, data.test.size]).toEqual([8, 2]);
    expect(classCounts(data.test, 2)).toEqual([1, 1]);
    // Train and test are views of one store.
    expect(data.train.images).toBe(data.test.images);
    for (let i = 0; i < data.train.size; i++) {
      const px = Array.from(imageAt(data.train, i).subarray(0, 3));
      if (labelAt(data.train, i) === 1) expect(px).toEqual([255, 0, 0]);
      else expect(px[1]).toBeGreaterThan(245);
    }
  });

  it('uses root/train and root/test when present, in grayscale for one channel', async () => {
    const root = path.join(tmp.dir, 'split');
    writeFile(path.join(root, 'train', 'b', '1.png'), png(2, 2, GREY));
    writeFile(path.join(root, 'train', 'a', '1.jpeg'), jpg(16, 16, GREY));
    writeFile(path.join(root, 'train', 'a', '2.png'), png(3, 3, RED));
    writeFile(path.join(root, 'test', 'b', '1.png'), png(2, 2, RED));
    const data = await loadImageFolder(root, { input: [2, 2, 1], seed: 0 });
    expect(data.classNames).toEqual(['a', 'b']);
    expect([data.train.size, data.test.size]).toEqual([3, 1]);
    expect(Array.from(imageAt(data.test, 0))).toEqual([76, 76, 76, 76]);
    expect(labelAt(data.test, 0)).toBe(1);
    expect(Array.from(imageAt(data.train, 2))).toEqual([100, 100, 100, 100]);
  });

  it('names the folder or file at fault', async () => {
    const fail = async (root: string, input: [number, number, number] = [2, 2, 1]): Promise<DatasetError> => {
      const e = await loadImageFolder(root, { input, seed: 0 }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(DatasetError);
      return e as DatasetError;
    };
    expect((await fail(path.join(tmp.dir, 'missing'))).message).toMatch(/missing: folder not found/);

    const empty = path.join(tmp.dir, 'empty-class');
    writeFile(path.join(empty, 'a', '1.png'), png(2, 2, RED));
    writeFile(path.join(empty, 'b', 'notes.txt'), 'x');
    expect((await fail(empty)).file).toBe(path.join(empty, 'b'));

    const broken = path.join(tmp.dir, 'broken');
    writeFile(path.join(broken, 'a', '1.png'), png(2, 2, RED));
    const bad = writeFile(path.join(broken, 'a', '2.jpg'), 'not really a jpeg');
    expect((await fail(broken)).file).toBe(bad);

    const stray = path.join(tmp.dir, 'stray-test');
    writeFile(path.join(stray, 'train', 'a', '1.png'), png(2, 2, RED));
    writeFile(path.join(stray, 'test', 'z', '1.png'), png(2, 2, RED));
    expect((await fail(stray)).file).toBe(path.join(stray, 'test', 'z'));

    expect((await fail(empty, [2, 2, 2])).message).toMatch(/2×2×2 is not supported/);
  });
});
