import { describe, expect, it } from 'vitest';
import { encodeWav, parseWav } from '../../../../../server/src/engine/data/audio/wav.js';
import { fitLength, resample } from '../../../../../server/src/engine/data/audio/resample.js';
import { mulberry32 } from '../../../../../server/src/engine/rng/seeded-rng.js';

const tone = (hz: number, rate: number, seconds: number): Float32Array =>
  Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate),
  );

/** A WAV with a chosen format tag, bits, channels and data bytes. */
function wav(o: {
  tag?: number;
  bits?: number;
  channels?: number;
  data: Uint8Array;
  extra?: Uint8Array;
}): Uint8Array {
  const channels = o.channels ?? 1;
  const bits = o.bits ?? 16;
  const extra = o.extra ?? new Uint8Array(0);
  const b = new Uint8Array(12 + 8 + 16 + extra.length + 8 + o.data.length);
  const v = new DataView(b.buffer);
  const text = (at: number, s: string) => [...s].forEach((c, i) => (b[at + i] = c.charCodeAt(0)));
  text(0, 'RIFF');
  v.setUint32(4, b.length - 8, true);
  text(8, 'WAVE');
  b.set(extra, 12);
  let at = 12 + extra.length;
  text(at, 'fmt ');
  v.setUint32(at + 4, 16, true);
  v.setUint16(at + 8, o.tag ?? 1, true);
  v.setUint16(at + 10, channels, true);
  v.setUint32(at + 12, 16000, true);
  v.setUint32(at + 16, (16000 * channels * bits) / 8, true);
  v.setUint16(at + 20, (channels * bits) / 8, true);
  v.setUint16(at + 22, bits, true);
  at += 24;
  text(at, 'data');
  v.setUint32(at + 4, o.data.length, true);
  b.set(o.data, at + 8);
  return b;
}

describe('WAV reader', () => {
  it('reads what it writes, to 16-bit precision', () => {
    const x = tone(440, 16000, 0.1);
    const back = parseWav(encodeWav(x, 16000));
    expect(back.sampleRate).toBe(16000);
    expect(back.samples.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) expect(Math.abs(back.samples[i]! - x[i]!)).toBeLessThan(1e-4);
  });

  it('mixes stereo to mono and skips unknown chunks (odd sizes padded)', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setInt16(0, 16384, true); // L = 0.5, R = 0 → 0.25
    const list = new Uint8Array([...'LIST'].map((c) => c.charCodeAt(0)).concat([3, 0, 0, 0, 1, 2, 3, 0]));
    const audio = parseWav(wav({ channels: 2, data, extra: list }));
    expect(Array.from(audio.samples)).toEqual([0.25, 0]);
  });

  it('says why it cannot read a file: not PCM, not 16 bit, empty, not a WAV', () => {
    expect(() => parseWav(wav({ tag: 3, bits: 32, data: new Uint8Array(8) }))).toThrow(
      /not PCM: format tag 3/,
    );
    expect(() => parseWav(wav({ bits: 8, data: new Uint8Array(8) }))).toThrow(/8-bit/);
    expect(() => parseWav(wav({ data: new Uint8Array(0) }))).toThrow(/empty/);
    expect(() => parseWav(new TextEncoder().encode('hello, this is not audio'))).toThrow(/not a RIFF\/WAVE/);
    expect(() => parseWav(new Uint8Array(3))).toThrow(/too short/);
  });

  it('never crashes or over-reads on damaged files: only WavError or a decoded clip', () => {
    const good = encodeWav(tone(300, 16000, 0.02), 16000);
    const rng = mulberry32(17);
    for (let trial = 0; trial < 500; trial++) {
      const bad = good.slice(0, rng.int(good.length + 1));
      for (let k = 0; k < 4; k++) if (bad.length) bad[rng.int(bad.length)] = rng.int(256);
      try {
        const a = parseWav(bad);
        expect(a.samples.length).toBeLessThanOrEqual(bad.length / 2);
      } catch (e) {
        expect((e as Error).name).toBe('WavError');
      }
    }
  });
});

describe('resampling', () => {
  it('keeps a tone below both Nyquists and its length in time', () => {
    const x = tone(1000, 22050, 0.5);
    const y = resample(x, 22050, 16000);
    expect(y.length).toBe(8000);
    // Compare with the ideal 16 kHz tone away from the edges.
    const ideal = tone(1000, 16000, 0.5);
    let err = 0;
    for (let i = 200; i < 7800; i++) err = Math.max(err, Math.abs(y[i]! - ideal[i]!));
    expect(err).toBeLessThan(0.01);
  });

  it('removes what would alias when downsampling', () => {
    const y = resample(tone(10000, 48000, 0.25), 48000, 16000); // 10 kHz > 8 kHz Nyquist
    let peak = 0;
    for (let i = 200; i < y.length - 200; i++) peak = Math.max(peak, Math.abs(y[i]!));
    expect(peak).toBeLessThan(0.02);
  });

  it('pads short clips with zeros at the end and trims long ones', () => {
    expect(Array.from(fitLength(Float32Array.of(1, 2), 4))).toEqual([1, 2, 0, 0]);
    expect(Array.from(fitLength(Float32Array.of(1, 2, 3), 2))).toEqual([1, 2]);
  });
});
