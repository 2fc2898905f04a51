import { describe, expect, it } from 'vitest';
import { frontEndFiles } from '../../../../server/src/engine/export/front-end-files.js';
import { mfccCost } from '../../../../server/src/engine/features/front-end-cost.js';
import {
  fitQuantization,
  type FrontEnd,
  quantizeFeatures,
} from '../../../../server/src/engine/features/front-end.js';
import { createMfcc, MFCC_DEFAULTS } from '../../../../server/src/engine/features/mfcc.js';
import { mulberry32 } from '../../../../server/src/engine/rng/seeded-rng.js';

const SETTINGS = { ...MFCC_DEFAULTS, windowSamples: 640, strideSamples: 320, coefficients: 10 };

/** A voiced-sounding clip: harmonics of a gliding pitch, with a little seeded noise. */
function clip(seed: number): Float32Array {
  const rng = mulberry32(seed);
  const x = new Float32Array(16000);
  for (let i = 0; i < x.length; i++) {
    const t = i / 16000;
    const f0 = 120 + 60 * t + seed * 7;
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
    x[i] = 0.2 * v * Math.sin(Math.PI * t) + 0.01 * (rng.next() - 0.5);
  }
  return x;
}

/** `static const T NAME[…] = { … };` of the header, as numbers. */
function table(header: string, name: string): number[] {
  const m = new RegExp(`static const [^\\n]*${name}\\[[^\\n=]*= \\{([^;]*)\\};`).exec(header);
  if (!m) throw new Error(`no table ${name}`);
  return m[1]!
    .replace(/[{}]/g, ' ')
    .split(',')
    .map((v) => v.trim().replace(/f$/, ''))
    .filter((v) => v !== '')
    .map(Number);
}

const define = (header: string, name: string): number =>
  Number(new RegExp(`#define ${name} (\\S+)`).exec(header)![1]!.replace(/f$/, ''));

describe('the exported MFCC front end', () => {
  const mfcc = createMfcc(SETTINGS);
  const quantization = fitQuantization(
    [clip(1), clip(2), clip(3)].map((c) => mfcc.compute(c)),
    10,
  );
  const frontEnd: FrontEnd = {
    kind: 'mfcc',
    settings: SETTINGS,
    frames: 49,
    quantization,
    classNames: ['silence', 'unknown', 'yes', 'no'],
  };
  const files = frontEndFiles('candidate_7', frontEnd, { scale: 1 / 255, zeroPoint: -128 });
  const h = files.header;

  it('lets firmware reproduce the training features from the header alone (its recipe, a plain DFT)', () => {
    const P = 'kCandidate7Mfcc';
    const win = define(h, `${P}Window`);
    const stride = define(h, `${P}Stride`);
    const n = define(h, `${P}FftLength`);
    const frames = define(h, `${P}Frames`);
    const bands = define(h, `${P}MelBands`);
    const coefficients = define(h, `${P}Coefficients`);
    const hann = table(h, `${P}HannWindow`);
    const first = table(h, `${P}MelFirstBin`);
    const count = table(h, `${P}MelBinCount`);
    const weights = table(h, `${P}MelWeights`);
    const dct = table(h, `${P}Dct`);
    const offset = table(h, `${P}Offset`);
    const scale = table(h, `${P}Scale`);
    const x = clip(4);
    const expected = new Uint8Array(frames * coefficients);
    quantizeFeatures(mfcc.compute(x), quantization, expected, 0);
    const codes: number[] = [];
    // The first 12 frames (a plain DFT is slow); they cover the onset of the clip and its voicing.
    for (let t = 0; t < Math.min(12, frames); t++) {
      const mag: number[] = [];
      for (let k = 0; k <= n / 2; k++) {
        let re = 0;
        let im = 0;
        for (let j = 0; j < win; j++) {
          const v = x[t * stride + j]! * hann[j]!;
          re += v * Math.cos((2 * Math.PI * k * j) / n);
          im -= v * Math.sin((2 * Math.PI * k * j) / n);
        }
        mag.push(Math.hypot(re, im));
      }
      const e: number[] = [];
      let w = 0;
      for (let b = 0; b < bands; b++) {
        let sum = 0;
        for (let j = 0; j < count[b]!; j++) sum += mag[first[b]! + j]! * weights[w++]!;
        e.push(Math.log(sum + 1e-6));
      }
      for (let i = 0; i < coefficients; i++) {
        let c = 0;
        for (let b = 0; b < bands; b++) c += dct[i * bands + b]! * e[b]!;
        codes.push(Math.min(255, Math.max(0, Math.round((c - offset[i]!) / scale[i]!))));
      }
    }
    // float32 tables and rounding may move a code by one step, never more.
    const off = codes.map((c, i) => Math.abs(c - expected[i]!));
    expect(Math.max(...off)).toBeLessThanOrEqual(1);
    expect(off.filter((d) => d > 0).length).toBeLessThan(codes.length * 0.02);
  });

  it('says the same in JSON, and its tables are what the cost model counts in flash', () => {
    const json = JSON.parse(files.json) as Record<string, unknown>;
    expect(json).toMatchObject({ windowSamples: 640, strideSamples: 320, fftLength: 1024, frames: 49 });
    expect(json.modelInput).toEqual({ scale: 1 / 255, zeroPoint: -128 });
    const cost = mfccCost(SETTINGS);
    expect(json.cost).toEqual(cost);
    const P = 'kCandidate7Mfcc';
    expect(table(h, `${P}HannWindow`).length * 4).toBe(cost.flash.window);
    expect(table(h, `${P}MelWeights`).length * 4 + table(h, `${P}MelFirstBin`).length * 4).toBe(
      cost.flash.mel,
    );
    expect(table(h, `${P}Dct`).length * 4).toBe(cost.flash.dct);
    expect(h).toContain(`static const char* const ${P}ClassNames[4] = {`);
  });
});
