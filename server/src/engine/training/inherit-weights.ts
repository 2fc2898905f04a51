import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { InheritPair } from '../search/inheritance.js';

/** A parent's trained weights, as the worker saved them (tfjs layers format: model.json + weights.bin). */
export type SavedWeights = ReadonlyMap<
  string,
  { readonly shape: readonly number[]; readonly data: Float32Array }
>;

/** Reads `model.json` + `weights.bin` of a weights folder; throws with the path when they are unusable. */
export async function readSavedWeights(dir: string): Promise<SavedWeights> {
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    weightsManifest?: { weights?: { name?: unknown; shape?: unknown; dtype?: unknown }[] }[];
  };
  const specs = manifest.weightsManifest?.[0]?.weights;
  if (!Array.isArray(specs)) throw new Error(`${join(dir, 'model.json')}: no weights manifest`);
  const bin = await readFile(join(dir, 'weights.bin'));
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  let offset = 0;
  for (const s of specs) {
    const shape = s.shape;
    if (
      typeof s.name !== 'string' ||
      (s.dtype !== undefined && s.dtype !== 'float32') ||
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isInteger(d) && d >= 0)
    )
      throw new Error(`${join(dir, 'model.json')}: unsupported weight entry`);
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (offset + size * 4 > bin.length)
      throw new Error(`${join(dir, 'weights.bin')}: shorter than its manifest`);
    const data = new Float32Array(size);
    data.set(new Float32Array(bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + size * 4)));
    out.set(s.name, { shape: shape as number[], data });
    offset += size * 4;
  }
  return out;
}

/**
 * How each axis of a weight maps parent → child: `out` (output units, prefix; new ones keep their
 * fresh initialisation), `in` (input units, prefix; new ones get zero weight, so a widened layer
 * computes the same function as before, Net2Net-style), `center` (kernel rows/columns, centred;
 * new ones zero, so a grown kernel embeds the old one).
 */
type Axis = 'out' | 'in' | 'center';

function axesOf(suffix: string, rank: number): Axis[] | undefined {
  if (suffix === 'kernel' && rank === 4) return ['center', 'center', 'in', 'out'];
  if (suffix === 'depthwise_kernel' && rank === 4) return ['center', 'center', 'out', 'out'];
  if (suffix === 'kernel' && rank === 2) return ['in', 'out'];
  if (rank === 1) return ['out'];
  return undefined;
}

/** Copies the overlap of `parent` into `child` (in place) axis by axis; see {@link Axis}. */
export function transferTensor(
  child: Float32Array,
  childShape: readonly number[],
  parent: Float32Array,
  parentShape: readonly number[],
  axes: readonly Axis[],
): void {
  const rank = childShape.length;
  const offsets = axes.map((a, i) =>
    a === 'center' ? Math.floor((parentShape[i]! - childShape[i]!) / 2) : 0,
  );
  const pStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) pStrides[i] = pStrides[i + 1]! * parentShape[i + 1]!;
  const idx = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < child.length; flat++) {
    let p = 0;
    let inside = true;
    let zero = false;
    for (let i = 0; i < rank; i++) {
      const x = idx[i]! + offsets[i]!;
      if (x < 0 || x >= parentShape[i]!) {
        inside = false;
        if (axes[i] !== 'out') zero = true;
      } else p += x * pStrides[i]!;
    }
    if (inside) child[flat] = parent[p]!;
    else if (zero) child[flat] = 0;
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i]! < childShape[i]!) break;
      idx[i] = 0;
    }
  }
}

/**
 * Starts `model` from a parent's trained weights along `pairs` (each layer and its batch norm).
 * Returns how many weight tensors were inherited; the rest keep their initialisation.
 */
export function inheritWeights(
  model: tf.LayersModel,
  saved: SavedWeights,
  pairs: readonly InheritPair[],
): number {
  let inherited = 0;
  for (const pair of pairs) {
    for (const [childLayer, parentLayer] of [
      [pair.child, pair.parent],
      [`${pair.child}_bn`, `${pair.parent}_bn`],
    ] as const) {
      const layer = layerOrUndefined(model, childLayer);
      if (!layer) continue;
      const current = layer.getWeights();
      let changed = false;
      const next = layer.weights.map((w, i) => {
        const t = current[i]!;
        const suffix = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
        const from = saved.get(`${parentLayer}/${suffix}`);
        let childShape = t.shape;
        let parentShape = from?.shape;
        let axes = axesOf(suffix, childShape.length);
        // A dense layer reading a flattened map: match inputs by (row, column, channel), not by index.
        if (
          from &&
          axes &&
          suffix === 'kernel' &&
          childShape.length === 2 &&
          pair.childMap &&
          pair.parentMap
        ) {
          childShape = [...pair.childMap, childShape[1]!];
          parentShape = [...pair.parentMap, from.shape[1]!];
          axes = ['in', 'in', 'in', 'out'];
        }
        if (!from || !axes || !parentShape || parentShape.length !== childShape.length) return t;
        if (childShape.reduce((a, b) => a * b, 1) !== t.size) return t;
        if (parentShape.reduce((a, b) => a * b, 1) !== from.data.length) return t;
        const data = t.dataSync().slice() as Float32Array;
        transferTensor(data, childShape, from.data, parentShape, axes);
        changed = true;
        inherited++;
        return tf.tensor(data, t.shape, 'float32');
      });
      // `getWeights` hands out the variables' own tensors: only the new ones are ours to dispose.
      if (changed) {
        layer.setWeights(next);
        next.forEach((t, i) => t !== current[i] && t.dispose());
      }
    }
  }
  return inherited;
}

function layerOrUndefined(model: tf.LayersModel, name: string): tf.layers.Layer | undefined {
  try {
    return model.getLayer(name);
  } catch {
    return undefined;
  }
}
