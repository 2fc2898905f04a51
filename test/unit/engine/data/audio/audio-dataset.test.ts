import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAudioDataset } from '../../../../../server/src/engine/data/audio/load-audio.js';
import { whichSet } from '../../../../../server/src/engine/data/audio/speech-commands.js';
import { CACHE_DIR } from '../../../../../server/src/engine/data/audio/feature-cache.js';
import { classCounts } from '../../../../../server/src/engine/data/dataset.js';
import { loadDataset } from '../../../../../server/src/engine/data/load-dataset.js';
import { MFCC_DEFAULTS } from '../../../../../server/src/engine/features/mfcc.js';
import { speechSet } from '../../../../support/speech-set.js';
import { tempDir } from '../fixtures.js';

const HELLO_EDGE = { ...MFCC_DEFAULTS, windowSamples: 640, strideSamples: 320, coefficients: 10 };

describe("Speech Commands' split by speaker hash", () => {
  it('matches which_set of the data set (values from its Python definition)', () => {
    // 0a7c2a8d hashes to 56.836 %, 1b4c9b89 to 12.192 %, bird.wav to 26.954 % (python3 hashlib).
    expect(whichSet('0a7c2a8d_nohash_0.wav', 10, 10)).toBe('training');
    expect(whichSet('0a7c2a8d_nohash_3.wav', 56.9, 10)).toBe('validation');
    expect(whichSet('0a7c2a8d_nohash_0.wav', 56.8, 10)).toBe('testing');
    expect(whichSet('1b4c9b89_nohash_2.wav', 10, 10)).toBe('testing');
    expect(whichSet('yes/bird.wav', 26.9, 0.1)).toBe('testing');
    expect(whichSet('yes/bird.wav', 27, 0)).toBe('validation');
  });
});

describe('audio dataset', () => {
  const source = speechSet('unit-4w', 12, ['yes', 'no', 'up', 'down', 'left', 'right']);
  const work = tempDir('audio');
  afterAll(() => work.remove());
  const copy = (name: string): string => {
    const dir = path.join(work.dir, name);
    cpSync(source, dir, { recursive: true });
    rmSync(path.join(dir, CACHE_DIR), { recursive: true, force: true });
    return dir;
  };
  const words = ['yes', 'no', 'up', 'down'];

  it('builds silence, unknown and keyword classes of MFCC maps, 10 % each of the keywords', async () => {
    const dir = copy('plain');
    const d = await loadAudioDataset(dir, { kind: 'audio', path: dir, words, features: HELLO_EDGE });
    expect(d.inputShape).toEqual([49, 10, 1]);
    expect(d.classNames).toEqual(['silence', 'unknown', 'yes', 'no', 'up', 'down']);
    const counts = classCounts(d.train, 6);
    const known = counts.slice(2).reduce((a, b) => a + b, 0);
    expect(counts[0]).toBe(Math.ceil(known * 0.1));
    expect(counts[1]).toBe(Math.ceil(known * 0.1));
    expect(d.train.size + d.validation.size + d.test.size).toBeGreaterThan(48);
    expect(d.frontEnd?.settings).toEqual(HELLO_EDGE);
    // Features span the uint8 range (fitted on the training clips).
    const px = d.train.images;
    expect(Math.min(...px.subarray(0, 49 * 10 * d.train.size))).toBe(0);
    expect(Math.max(...px.subarray(0, 49 * 10 * d.train.size))).toBe(255);
  });

  it('caches the features next to the data and reads them back identically', async () => {
    const dir = copy('cache');
    const spec = { kind: 'audio', path: dir, words, features: HELLO_EDGE } as const;
    const a = await loadAudioDataset(dir, spec);
    const files = readdirSync(path.join(dir, CACHE_DIR));
    expect(files).toHaveLength(1);
    const b = await loadAudioDataset(dir, spec);
    expect(b.train.images).toEqual(a.train.images);
    expect(b.test.labels).toEqual(a.test.labels);
    // Other settings are another cache entry.
    await loadAudioDataset(dir, { ...spec, features: { ...HELLO_EDGE, coefficients: 8 } });
    expect(readdirSync(path.join(dir, CACHE_DIR))).toHaveLength(2);
    // A damaged cache is ignored and rewritten.
    writeFileSync(path.join(dir, CACHE_DIR, files[0]!), 'UNASMFCC1\ngarbage');
    const c = await loadAudioDataset(dir, spec);
    expect(c.train.images).toEqual(a.train.images);
  });

  it('honours validation_list.txt and testing_list.txt', async () => {
    const dir = copy('lists');
    const yes = readdirSync(path.join(dir, 'yes')).filter((f) => f.endsWith('.wav'));
    writeFileSync(path.join(dir, 'validation_list.txt'), `yes/${yes[0]}\nyes/${yes[1]}\n`);
    writeFileSync(path.join(dir, 'testing_list.txt'), `yes/${yes[2]}\n`);
    const d = await loadAudioDataset(dir, { kind: 'audio', path: dir, words, features: HELLO_EDGE });
    // 2 keyword clips + ceil(10 %) silence; no unknown clip is listed.
    expect(classCounts(d.validation, 6)).toEqual([1, 0, 2, 0, 0, 0]);
    expect(classCounts(d.test, 6)).toEqual([1, 0, 1, 0, 0, 0]);
  });

  it('precomputes augmented copies of the training clips', async () => {
    const dir = copy('copies');
    const d = await loadDataset(
      {
        kind: 'audio',
        path: dir,
        words,
        features: HELLO_EDGE,
        augment: { shiftSamples: 1600, noise: 0.8, volume: 0.1, copies: 2 },
      },
      { baseDir: work.dir },
    );
    expect(d.train.copies).toBe(2);
    expect(d.train.labels.length).toBe(3 * d.train.size);
    const n = 49 * 10;
    const row = d.train.rows[0]!;
    const clean = d.train.images.subarray(row * n, row * n + n);
    const copy1 = d.train.images.subarray((row + d.train.size) * n, (row + d.train.size) * n + n);
    expect(copy1).not.toEqual(clean);
  });

  it('names the file it cannot read, and the keyword it cannot find', async () => {
    const dir = copy('broken');
    const bad = path.join(dir, 'yes', 'zzzz_nohash_0.wav');
    writeFileSync(bad, 'RIFF....WAVEjunk');
    await expect(loadAudioDataset(dir, { kind: 'audio', path: dir, words })).rejects.toThrow(
      `${bad}: no fmt chunk`,
    );
    rmSync(bad);
    mkdirSync(path.join(dir, 'empty'));
    writeFileSync(path.join(dir, 'empty', 'a_nohash_0.wav'), Buffer.alloc(0));
    await expect(
      loadAudioDataset(dir, { kind: 'audio', path: dir, words: ['yes', 'empty'] }),
    ).rejects.toThrow(/empty.a_nohash_0\.wav: 0 bytes: too short/);
    await expect(
      loadAudioDataset(dir, { kind: 'audio', path: dir, words: ['yes', 'maybe'] }),
    ).rejects.toThrow(/no folder for the keyword "maybe"/);
    expect(existsSync(source)).toBe(true);
  });
});
