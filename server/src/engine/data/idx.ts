/**
 * The IDX format of MNIST and Fashion-MNIST: a magic number (0x0000 08 nd: unsigned bytes, nd
 * dimensions), nd big-endian uint32 sizes, then the data. Images are 0x00000803 (N×H×W),
 * labels 0x00000801 (N).
 */
import { DatasetError, type InputShape, type Labels, labelArrayFor } from './dataset.js';
import { allInOrder, readDataFile } from './read-file.js';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxArray {
  readonly dims: readonly number[];
  /** A view of the file's data section (no copy). */
  readonly data: Uint8Array;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
const KIND = { [IDX_IMAGES_MAGIC]: 'an IDX image file', [IDX_LABELS_MAGIC]: 'an IDX label file' } as Record<
  number,
  string
>;

/** Parses an IDX file's bytes; `file` only names the file in errors. */
export function parseIdx(bytes: Uint8Array, file: string, expectedMagic: number): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4)
    throw new DatasetError(file, `truncated: ${bytes.length} bytes, too short for an IDX header`);
  const magic = view.getUint32(0);
  if (magic !== expectedMagic) {
    const seen = KIND[magic] ? ` (that is ${KIND[magic]})` : '';
    throw new DatasetError(
      file,
      `bad magic number ${hex(magic)}${seen}, expected ${hex(expectedMagic)} for ${KIND[expectedMagic]}`,
    );
  }
  const rank = magic & 0xff;
  const header = 4 + 4 * rank;
  if (bytes.length < header)
    throw new DatasetError(file, `truncated: ${bytes.length} bytes, the IDX header needs ${header}`);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - header;
  if (found < expected) {
    throw new DatasetError(
      file,
      `truncated: dimensions ${dims.join('×')} need ${expected} data bytes but the file has ${found}`,
    );
  }
  if (found > expected) {
    throw new DatasetError(
      file,
      `${found - expected} unexpected bytes after the ${dims.join('×')} data (wrong dimensions in the header?)`,
    );
  }
  return { dims, data: bytes.subarray(header, header + expected) };
}

export interface LabelledImages {
  readonly shape: InputShape;
  readonly images: Uint8Array;
  readonly labels: Labels;
}

/**
 * Checks labels against the class count and converts them to the compact label type; the
 * error names the labels file and the first offending index.
 */
export function checkedLabels(raw: Uint8Array, classes: number, file: string): Labels {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i]! >= classes)
      throw new DatasetError(
        file,
        `label ${raw[i]} at index ${i} is out of range for ${classes} classes (0–${classes - 1})`,
      );
  }
  if (classes <= 256) return raw;
  const labels = labelArrayFor(classes, raw.length);
  labels.set(raw);
  return labels;
}

/** Loads an image file and its label file (each plain or gzipped) and checks they agree. */
export async function loadIdxPair(
  imagesFile: string,
  labelsFile: string,
  classes: number,
): Promise<LabelledImages> {
  const [imageBytes, labelBytes] = await allInOrder([readDataFile(imagesFile), readDataFile(labelsFile)]);
  const images = parseIdx(imageBytes, imagesFile, IDX_IMAGES_MAGIC);
  const labels = parseIdx(labelBytes, labelsFile, IDX_LABELS_MAGIC);
  const [count = 0, height = 0, width = 0] = images.dims;
  if (height === 0 || width === 0) throw new DatasetError(imagesFile, `empty image size ${height}×${width}`);
  if (labels.dims[0] !== count) {
    throw new DatasetError(
      labelsFile,
      `holds ${labels.dims[0]} labels but ${imagesFile} holds ${count} images`,
    );
  }
  return {
    shape: [height, width, 1],
    images: images.data,
    labels: checkedLabels(labels.data, classes, labelsFile),
  };
}
