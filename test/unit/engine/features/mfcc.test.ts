import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createMfcc,
  MFCC_DEFAULTS,
  mfccSettingsProblem,
} from '../../../../server/src/engine/features/mfcc.js';

const DIR = join(__dirname, '../../../fixtures/mfcc');
const GENERATOR = join(DIR, 'generate-mfcc-reference.py');
const FIXTURE = join(DIR, 'mfcc-reference.json');

interface Case {
  name: string;
  window: number;
  stride: number;
  coefficients: number;
  bands: number;
  low: number;
  high: number;
  frames: number;
  values: number[];
}

/** The generator's test clip, the same closed form, rounded to float32 like a decoded clip. */
function testClip(): Float32Array {
  const x = new Float32Array(16000);
  for (let n = 0; n < x.length; n++) {
    const t = n / 16000;
    x[n] =
      0.3 * Math.sin(2 * Math.PI * 440 * t) +
      0.2 * Math.sin(2 * Math.PI * (300 + 1500 * t) * t) +
      0.1 * Math.sin(2 * Math.PI * 2500 * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t)) +
      0.01 * Math.sin(n * n * 0.001);
  }
  return x;
}

/** Stated tolerance: 1e-3 absolute + 1e-4 relative (the fixture keeps 6 significant digits, the output is float32). */
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-3 + 1e-4 * Math.abs(b);

describe('MFCC front end', () => {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: Case[] };

  it.each(fixture.cases.map((c) => [c.name, c] as const))('matches the numpy reference: %s', (_, c) => {
    const mfcc = createMfcc({
      ...MFCC_DEFAULTS,
      windowSamples: c.window,
      strideSamples: c.stride,
      coefficients: c.coefficients,
      melBands: c.bands,
      lowHz: c.low,
      highHz: c.high,
    });
    expect(mfcc.frames).toBe(c.frames);
    const out = mfcc.compute(testClip());
    expect(out.length).toBe(c.values.length);
    const bad = [...out].flatMap((v, i) => (close(v, c.values[i]!) ? [] : [`${i}: ${v} vs ${c.values[i]}`]));
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('the fixture is what its generator prints (not stale)', () => {
    const fresh = execFileSync('python3', [GENERATOR], { encoding: 'utf8' });
    expect(JSON.parse(fresh)).toEqual(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  });

  it('μNAS defaults give 98×40 at 30 ms / 10 ms, 49 frames at a 20 ms stride', () => {
    expect(createMfcc(MFCC_DEFAULTS).frames).toBe(98);
    expect(createMfcc({ ...MFCC_DEFAULTS, strideSamples: 320 }).frames).toBe(49);
  });

  it('rejects settings it cannot compute, and clips of the wrong length', () => {
    expect(mfccSettingsProblem({ ...MFCC_DEFAULTS, coefficients: 41 })).toMatch(/mel bands/);
    expect(mfccSettingsProblem({ ...MFCC_DEFAULTS, highHz: 9000 })).toMatch(/Nyquist/);
    expect(mfccSettingsProblem({ ...MFCC_DEFAULTS, windowSamples: 20000 })).toMatch(/longer than the clip/);
    expect(() => createMfcc(MFCC_DEFAULTS).compute(new Float32Array(100))).toThrow(/100 samples/);
  });
});
