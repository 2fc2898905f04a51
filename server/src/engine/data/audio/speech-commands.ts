/**
 * The Speech Commands layout: `root/<word>/*.wav`, `root/_background_noise_/*.wav`, and optional
 * `validation_list.txt` / `testing_list.txt` of `word/file.wav` lines. Without the lists, a clip's
 * split follows the data set's own rule (its README, `which_set`): SHA-1 of the file name up to
 * `_nohash_` (the speaker), so one speaker's clips never straddle splits and adding files never
 * moves old ones.
 */
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DatasetError } from '../dataset.js';
import { describeIoError } from '../read-file.js';

export type AudioSplit = 'training' | 'validation' | 'testing';

export const BACKGROUND_NOISE_DIR = '_background_noise_';
const MAX_NUM_WAVS_PER_CLASS = 2 ** 27 - 1;

export interface ClipEntry {
  /** `word/file.wav`, with forward slashes, as the list files write it. */
  readonly relative: string;
  readonly word: string;
  readonly split: AudioSplit;
}

export interface SpeechCommandsLayout {
  readonly root: string;
  /** Word folders, sorted. */
  readonly words: readonly string[];
  readonly clips: readonly ClipEntry[];
  /** Absolute paths of the background noise clips (may be empty). */
  readonly noise: readonly string[];
  /** Whether the split came from the list files (else from the speaker hash). */
  readonly listed: boolean;
}

/** Speech Commands' `which_set`: the split of a file from its speaker part, for the given percentages. */
export function whichSet(fileName: string, validationPercent: number, testingPercent: number): AudioSplit {
  const base = path.posix.basename(fileName.replace(/\\/g, '/'));
  const speaker = base.replace(/_nohash_.*$/, '');
  const digest = createHash('sha1').update(speaker, 'utf8').digest();
  // int(hex, 16) % 2^27 = the low 27 bits of the big-endian digest.
  const low = digest.readUInt32BE(digest.length - 4) & MAX_NUM_WAVS_PER_CLASS;
  const percent = low * (100 / MAX_NUM_WAVS_PER_CLASS);
  if (percent < validationPercent) return 'validation';
  if (percent < testingPercent + validationPercent) return 'testing';
  return 'training';
}

async function list(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(dir, code === 'ENOENT' ? 'folder not found' : describeIoError(error));
  }
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const wavFiles = (entries: Dirent[]): string[] =>
  entries
    .filter((e) => e.isFile() && /\.wav$/i.test(e.name))
    .map((e) => e.name)
    .sort(byName);

async function readList(file: string): Promise<Set<string> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DatasetError(file, describeIoError(error));
  }
  return new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim().replace(/\\/g, '/'))
      .filter((l) => l !== ''),
  );
}

/** Scans the folder; `validation` and `testing` are fractions, used only when there are no list files. */
export async function scanSpeechCommands(
  root: string,
  validation: number,
  testing: number,
): Promise<SpeechCommandsLayout> {
  const top = await list(root);
  const words = top
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort(byName);
  if (words.length === 0) throw new DatasetError(root, 'no word folders (expected <word>/*.wav)');
  const hasNoise = top.some((e) => e.isDirectory() && e.name === BACKGROUND_NOISE_DIR);
  const noiseDir = path.join(root, BACKGROUND_NOISE_DIR);
  const noise = hasNoise ? wavFiles(await list(noiseDir)).map((f) => path.join(noiseDir, f)) : [];
  const validationList = await readList(path.join(root, 'validation_list.txt'));
  const testingList = await readList(path.join(root, 'testing_list.txt'));
  const listed = validationList !== undefined || testingList !== undefined;
  const clips: ClipEntry[] = [];
  for (const word of words) {
    const files = wavFiles(await list(path.join(root, word)));
    for (const f of files) {
      const relative = `${word}/${f}`;
      const split: AudioSplit = listed
        ? validationList?.has(relative)
          ? 'validation'
          : testingList?.has(relative)
            ? 'testing'
            : 'training'
        : whichSet(f, validation * 100, testing * 100);
      clips.push({ relative, word, split });
    }
  }
  if (clips.length === 0) throw new DatasetError(root, 'the word folders hold no .wav clips');
  return { root, words, clips, noise, listed };
}
