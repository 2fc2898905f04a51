/**
 * A RIFF/WAVE reader for linear PCM, written for untrusted files: every size field is checked
 * against the bytes actually present, odd-sized chunks are padded as RIFF requires, unknown chunks
 * are skipped, and nothing is allocated from a size the file states before that size is checked.
 * Errors are WavError with a plain reason; the caller adds the file name.
 */

export class WavError extends Error {
  override readonly name = 'WavError';
}

export interface PcmAudio {
  readonly sampleRate: number;
  /** Mono samples in [−1, 1): channels are averaged. */
  readonly samples: Float32Array;
}

const FORMAT_PCM = 1;
const FORMAT_EXTENSIBLE = 0xfffe;
/** Far above any real sample rate; keeps the resampler's arithmetic sane. */
const MAX_SAMPLE_RATE = 384_000;

const fourCC = (b: Uint8Array, at: number): string =>
  String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

interface Format {
  readonly channels: number;
  readonly sampleRate: number;
  readonly bits: number;
}

function readFormat(view: DataView, at: number, size: number): Format {
  if (size < 16) throw new WavError(`fmt chunk is ${size} bytes, expected at least 16`);
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
    if (size < 40) throw new WavError('extensible fmt chunk is too short');
    tag = view.getUint16(at + 24, true);
  }
  if (tag !== FORMAT_PCM)
    throw new WavError(`not PCM: format tag ${tag} (only 16-bit linear PCM is read; convert with sox)`);
  if (bits !== 16)
    throw new WavError(`${bits}-bit samples (only 16-bit PCM is read; convert with sox -b 16)`);
  if (channels < 1 || channels > 16) throw new WavError(`${channels} channels`);
  if (sampleRate < 1000 || sampleRate > MAX_SAMPLE_RATE) throw new WavError(`sample rate ${sampleRate} Hz`);
  if (blockAlign !== channels * 2)
    throw new WavError(`block align ${blockAlign}, expected ${channels * 2} for ${channels} × 16 bit`);
  return { channels, sampleRate, bits };
}

/** Decodes a 16-bit PCM WAV file to mono float samples. Throws WavError on anything else. */
export function parseWav(bytes: Uint8Array): PcmAudio {
  if (bytes.length < 12) throw new WavError(`${bytes.length} bytes: too short for a WAV header`);
  if (fourCC(bytes, 0) !== 'RIFF' || fourCC(bytes, 8) !== 'WAVE') throw new WavError('not a RIFF/WAVE file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Trust the RIFF size only as far as the bytes go (some writers leave it 0 or too large).
  const end = Math.min(bytes.length, 8 + view.getUint32(4, true));
  let format: Format | undefined;
  let data: { at: number; size: number } | undefined;
  let at = 12;
  while (at + 8 <= end) {
    const id = fourCC(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    const available = Math.min(size, end - body);
    if (id === 'fmt ') {
      if (available < size) throw new WavError('fmt chunk is cut off');
      format = readFormat(view, body, size);
    } else if (id === 'data') {
      // A truncated data chunk keeps what is there (a recording cut short), never more.
      data = { at: body, size: available };
      if (format) break;
    }
    at = body + size + (size & 1);
  }
  if (!format) throw new WavError('no fmt chunk');
  if (!data) throw new WavError('no data chunk');
  const frameBytes = format.channels * 2;
  const frames = Math.floor(data.size / frameBytes);
  if (frames === 0) throw new WavError('empty: the data chunk holds no samples');
  const samples = new Float32Array(frames);
  const scale = 1 / (32768 * format.channels);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    const base = data.at + i * frameBytes;
    for (let c = 0; c < format.channels; c++) sum += view.getInt16(base + c * 2, true);
    samples[i] = sum * scale;
  }
  return { sampleRate: format.sampleRate, samples };
}

/** A 16-bit mono PCM WAV file (tests and generated clips). */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) bytes[at + i] = s.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767);
    view.setInt16(44 + i * 2, v, true);
  }
  return bytes;
}
