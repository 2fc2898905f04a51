/**
 * `dataset audio`: a Speech Commands folder → MFCC feature maps (frames × coefficients × 1, uint8
 * codes) with the classes `silence`, `unknown` and the chosen words, as μNAS and the Speech
 * Commands trainer build them: unknown and silence samples are each a share (default 10 %) of the
 * known-word samples of their split. Training clips get `copies` augmented versions (time shift,
 * background noise) computed once; everything is cached next to the data, keyed by a hash of the
 * settings and the files.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { createMfcc, MFCC_DEFAULTS, mfccInputShape, type MfccSettings } from '../../features/mfcc.js';
import { fitQuantization, type FrontEnd, quantizeFeatures } from '../../features/front-end.js';
import { deriveSeed, mulberry32, type Rng, shuffleInPlace } from '../../rng/seeded-rng.js';
import { type Dataset, DatasetError, type Split, wholeSplit } from '../dataset.js';
import { describeIoError, readDataFile } from '../read-file.js';
import { augmentClip, type AudioAugmentation, NO_AUDIO_AUGMENTATION, silenceClip } from './augment-audio.js';
import { cacheKey, readFeatureCache, writeFeatureCache, type CachedFeatures } from './feature-cache.js';
import { fitLength, resample } from './resample.js';
import { type AudioSplit, type ClipEntry, scanSpeechCommands } from './speech-commands.js';
import { parseWav, WavError } from './wav.js';

export interface AudioSpec {
  readonly kind: 'audio';
  readonly path: string;
  /** The keywords; every other word folder is `unknown`. */
  readonly words: readonly string[];
  /** Silence samples per known-word sample of a split (default 0.1). */
  readonly silence?: number;
  /** Unknown-word samples per known-word sample of a split (default 0.1). */
  readonly unknown?: number;
  readonly features?: MfccSettings;
  readonly augment?: AudioAugmentation;
}

export interface AudioLoadOptions {
  /** Share of speakers for validation when there are no list files (default 0.1). */
  readonly validation?: number;
  readonly seed?: number;
}

export const SILENCE = 'silence';
export const UNKNOWN = 'unknown';

/** Class names in label order: silence, unknown, then the words as written (the Speech Commands order). */
export const audioClassNames = (words: readonly string[]): string[] => [SILENCE, UNKNOWN, ...words];

const TESTING = 0.1;
const READ_AHEAD = 16;
/** Clean training clips whose MFCCs fix the quantization ranges (an even sample of the split). */
const QUANTIZATION_SAMPLE = 2000;

/** Decodes one clip to `length` samples at `rate`; every failure names the file. */
async function decodeClip(file: string, rate: number, length?: number): Promise<Float32Array> {
  const bytes = await readDataFile(file);
  let audio;
  try {
    audio = parseWav(bytes);
  } catch (e) {
    if (e instanceof WavError) throw new DatasetError(file, e.message);
    throw e;
  }
  const samples = resample(audio.samples, audio.sampleRate, rate);
  return length === undefined ? samples : fitLength(samples, length);
}

async function decodeAll(files: readonly string[], rate: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < files.length; i += READ_AHEAD)
    out.push(...(await Promise.all(files.slice(i, i + READ_AHEAD).map((f) => decodeClip(f, rate)))));
  return out;
}

/** A planned sample: a clip file, or silence; with its label. */
type Planned = { readonly label: number; readonly clip?: string };

/** Known words, then `unknown` and `silence` samples as shares of them, per split. */
function plan(
  clips: readonly ClipEntry[],
  words: readonly string[],
  spec: AudioSpec,
  rng: Rng,
  split: AudioSplit,
): Planned[] {
  const known: Planned[] = [];
  const others: string[] = [];
  for (const c of clips) {
    if (c.split !== split) continue;
    const w = words.indexOf(c.word);
    if (w >= 0) known.push({ label: 2 + w, clip: c.relative });
    else others.push(c.relative);
  }
  const unknownCount = Math.min(others.length, Math.ceil(known.length * (spec.unknown ?? 0.1)));
  const silenceCount = Math.ceil(known.length * (spec.silence ?? 0.1));
  const order = shuffleInPlace(
    Uint32Array.from(others, (_, i) => i),
    rng,
  );
  return [
    ...known,
    ...Array.from(order.subarray(0, unknownCount), (i) => ({ label: 1, clip: others[i]! })),
    ...Array.from({ length: silenceCount }, () => ({ label: 0 })),
  ];
}

function checkSpec(spec: AudioSpec, settings: MfccSettings): void {
  if (
    !Array.isArray(spec.words) ||
    spec.words.length === 0 ||
    !spec.words.every((w) => typeof w === 'string')
  )
    throw new DatasetError(undefined, 'an audio dataset needs its keywords: words yes, no, …');
  if (new Set(spec.words).size !== spec.words.length)
    throw new DatasetError(undefined, 'a keyword is listed twice');
  if (spec.words.length + 2 > 256) throw new DatasetError(undefined, 'at most 254 keywords');
  for (const [k, v] of [
    ['silence', spec.silence],
    ['unknown', spec.unknown],
  ] as const)
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 10))
      throw new DatasetError(undefined, `${k} must be a share between 0 and 10, got ${String(v)}`);
  if (settings.sampleRate !== 16000) throw new DatasetError(undefined, 'audio is resampled to 16 kHz');
}

export async function loadAudioDataset(
  root: string,
  spec: AudioSpec,
  options: AudioLoadOptions = {},
): Promise<Dataset> {
  const settings = spec.features ?? MFCC_DEFAULTS;
  checkSpec(spec, settings);
  const augment = spec.augment ?? NO_AUDIO_AUGMENTATION;
  const seed = options.seed ?? 0;
  const validation = options.validation ?? 0.1;
  const layout = await scanSpeechCommands(root, validation, TESTING);
  for (const w of spec.words)
    if (!layout.words.includes(w))
      throw new DatasetError(
        path.join(root, w),
        `no folder for the keyword "${w}" (folders: ${layout.words.join(', ')})`,
      );
  const classNames = audioClassNames(spec.words);
  const shape = mfccInputShape(settings);

  const files = [...layout.clips.map((c) => path.join(root, c.relative)), ...layout.noise];
  const stamps = await Promise.all(
    files.map(async (f) => {
      try {
        const s = await stat(f);
        return [path.relative(root, f), s.size, s.mtimeMs] as const;
      } catch (error) {
        throw new DatasetError(f, describeIoError(error));
      }
    }),
  );
  const key = cacheKey({
    // Bump when the features or their layout change, so old caches are not read.
    version: 1,
    settings,
    words: spec.words,
    silence: spec.silence,
    unknown: spec.unknown,
    augment,
    seed,
    validation,
    listed: layout.listed,
    stamps,
  });
  const cached = (await readFeatureCache(root, key, shape, classNames.length)) ?? (await compute());
  const frontEnd: FrontEnd = {
    kind: 'mfcc',
    settings,
    frames: shape[0],
    quantization: cached.quantization,
    classNames,
  };
  const train: Split = {
    ...wholeSplit(shape, cached.train.images, cached.train.labels),
    ...(cached.copies ? { copies: cached.copies } : {}),
  };
  // The clean clips are the first rows; the copies follow, block by block (see Split.copies).
  const clean = train.labels.length / (1 + cached.copies);
  const trainSplit: Split = { ...train, rows: train.rows.slice(0, clean), size: clean };
  const held = wholeSplit(shape, cached.held.images, cached.held.labels);
  const v = cached.validationCount;
  return {
    name: path.basename(path.resolve(root)),
    inputShape: shape,
    classes: classNames.length,
    classNames,
    train: trainSplit,
    validation: { ...held, rows: held.rows.slice(0, v), size: v },
    test: { ...held, rows: held.rows.slice(v), size: held.size - v },
    frontEnd,
  };

  async function compute(): Promise<CachedFeatures> {
    const rng = mulberry32(deriveSeed(seed, 0xa0d10));
    const planned = {
      training: plan(layout.clips, spec.words, spec, rng, 'training'),
      validation: plan(layout.clips, spec.words, spec, rng, 'validation'),
      testing: plan(layout.clips, spec.words, spec, rng, 'testing'),
    };
    if (planned.training.length === 0) throw new DatasetError(root, 'no training clips of the keywords');
    const length = settings.clipSamples;
    const noise = (await decodeAll(layout.noise, settings.sampleRate)).map((n) =>
      n.length >= length ? n : fitLength(n, length),
    );
    const mfcc = createMfcc(settings);
    // Clips stream through in small batches: only the uint8 feature maps stay in memory, never the
    // waveforms of a whole split (the full Speech Commands would need gigabytes of them).
    const stream = async (
      items: readonly Planned[],
      r: Rng,
      each: (i: number, wave: Float32Array) => void,
    ): Promise<void> => {
      for (let first = 0; first < items.length; first += READ_AHEAD) {
        const chunk = items.slice(first, first + READ_AHEAD);
        const waves = await Promise.all(
          chunk.map((p) =>
            p.clip ? decodeClip(path.join(root, p.clip), settings.sampleRate, length) : undefined,
          ),
        );
        waves.forEach((w, k) => each(first + k, w ?? silenceClip(length, noise, r)));
      }
    };
    // Each coefficient's range, from an even sample of the clean training clips.
    const step = Math.max(1, Math.ceil(planned.training.length / QUANTIZATION_SAMPLE));
    const sampled: Float32Array[] = [];
    await stream(
      planned.training.filter((_, i) => i % step === 0),
      mulberry32(deriveSeed(seed, 0x9a47)),
      (_, w) => sampled.push(mfcc.compute(w)),
    );
    const quantization = fitQuantization(sampled, settings.coefficients);
    const n = shape[0] * shape[1];
    const copies = Math.max(0, Math.floor(augment.copies));
    const trainCount = planned.training.length;
    const trainImages = new Uint8Array(trainCount * (1 + copies) * n);
    const trainLabels = new Uint8Array(trainCount * (1 + copies));
    const augRng = mulberry32(deriveSeed(seed, 0xa09));
    await stream(planned.training, rng, (i, wave) => {
      const p = planned.training[i]!;
      for (let c = 0; c <= copies; c++) {
        const version =
          c === 0
            ? wave
            : p.clip
              ? augmentClip(wave, augment, noise, augRng)
              : silenceClip(length, noise, augRng);
        quantizeFeatures(mfcc.compute(version), quantization, trainImages, (c * trainCount + i) * n);
        trainLabels[c * trainCount + i] = p.label;
      }
    });
    const heldItems = [...planned.validation, ...planned.testing];
    const heldImages = new Uint8Array(heldItems.length * n);
    await stream(heldItems, rng, (i, wave) =>
      quantizeFeatures(mfcc.compute(wave), quantization, heldImages, i * n),
    );
    const result: CachedFeatures = {
      quantization,
      copies,
      validationCount: planned.validation.length,
      train: { images: trainImages, labels: trainLabels },
      held: { images: heldImages, labels: Uint8Array.from(heldItems, (p) => p.label) },
    };
    await writeFeatureCache(root, key, result);
    return result;
  }
}
