/**
 * How uint8 pixels become network inputs. Every option is affine per channel, so it is applied
 * through a 256-entry table per channel, and interpolating normalised values (augmentation)
 * equals normalising interpolated pixels.
 */

export type Normalisation =
  /** x / 255, in [0, 1] (the default). */
  | { readonly kind: 'unit' }
  /** The pixel value itself, 0–255, as float. */
  | { readonly kind: 'raw' }
  /** (x / 255 − mean) / std per channel; one value applies to every channel. */
  | { readonly kind: 'standard'; readonly mean: readonly number[]; readonly std: readonly number[] };

export const UNIT: Normalisation = { kind: 'unit' };

/** Table `t[c * 256 + v]` = normalised value of pixel value v in channel c. */
export function normalisationTable(normalisation: Normalisation, channels: number): Float32Array {
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    let scale = 1 / 255;
    let offset = 0;
    if (normalisation.kind === 'raw') scale = 1;
    if (normalisation.kind === 'standard') {
      const mean = normalisation.mean[c] ?? normalisation.mean[0];
      const std = normalisation.std[c] ?? normalisation.std[0];
      if (mean === undefined || std === undefined || !(std > 0)) {
        throw new RangeError(`standard normalisation needs a mean and a positive std for channel ${c}`);
      }
      scale = 1 / (255 * std);
      offset = -mean / std;
    }
    for (let v = 0; v < 256; v++) table[c * 256 + v] = v * scale + offset;
  }
  return table;
}
