/**
 * Decodes PNG and JPEG files to RGBA and resamples them to the network's input shape
 * (grayscale or RGB, as the shape's channel count says).
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DatasetError, type InputShape } from './dataset.js';
import type { Interpolation } from './augment.js';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes. */
  readonly data: Uint8Array;
}

const isPng = (b: Uint8Array): boolean =>
  b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array): boolean => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Decodes by content (not extension), so a mislabelled file still loads; `file` names it in errors. */
export function decodeImage(bytes: Uint8Array, file: string): RgbaImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(buffer);
      return {
        width: png.width,
        height: png.height,
        data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
      };
    }
    if (isJpeg(bytes)) {
      const img = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (error) {
    throw new DatasetError(
      file,
      `cannot decode image (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  throw new DatasetError(file, 'not a PNG or JPEG image');
}

/**
 * Resamples `image` to `shape` into `dst[offset…]` (uint8 HWC). Bilinear uses half-pixel centres
 * (as TensorFlow's resize); channels: 1 = luma (ITU-R 601), 3 = RGB; alpha is ignored.
 */
export function resampleInto(
  image: RgbaImage,
  shape: InputShape,
  method: Interpolation,
  dst: Uint8Array,
  offset: number,
): void {
  const [h, w, ch] = shape;
  const { width: sw, height: sh, data } = image;
  const sxScale = sw / w;
  const syScale = sh / h;
  const rgb = [0, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (method === 'nearest') {
        const sx = Math.min(sw - 1, Math.floor((x + 0.5) * sxScale));
        const sy = Math.min(sh - 1, Math.floor((y + 0.5) * syScale));
        const at = (sy * sw + sx) * 4;
        for (let c = 0; c < 3; c++) rgb[c] = data[at + c]!;
      } else {
        const fx = Math.min(sw - 1, Math.max(0, (x + 0.5) * sxScale - 0.5));
        const fy = Math.min(sh - 1, Math.max(0, (y + 0.5) * syScale - 0.5));
        const x0 = Math.floor(fx);
        const y0 = Math.floor(fy);
        const x1 = Math.min(sw - 1, x0 + 1);
        const y1 = Math.min(sh - 1, y0 + 1);
        const ax = fx - x0;
        const ay = fy - y0;
        for (let c = 0; c < 3; c++) {
          const top = data[(y0 * sw + x0) * 4 + c]! * (1 - ax) + data[(y0 * sw + x1) * 4 + c]! * ax;
          const bottom = data[(y1 * sw + x0) * 4 + c]! * (1 - ax) + data[(y1 * sw + x1) * 4 + c]! * ax;
          rgb[c] = top * (1 - ay) + bottom * ay;
        }
      }
      const out = offset + (y * w + x) * ch;
      if (ch === 1) dst[out] = Math.round(0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!);
      else for (let c = 0; c < 3; c++) dst[out + c] = Math.round(rgb[c]!);
    }
  }
}
