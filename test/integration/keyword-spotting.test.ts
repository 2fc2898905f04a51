import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/src/run-events.js';
import { CACHE_DIR } from '../../server/src/engine/data/audio/feature-cache.js';
import { readTflite } from '../../server/src/engine/export/tflite-reader.js';
import { buildOnce } from '../support/build.js';
import { speechSet } from '../support/speech-set.js';

const run = promisify(execFile);
const root = join(__dirname, '../..');
const unas = (args: string[], cwd: string) =>
  run(process.execPath, [join(root, 'bin/unas.js'), ...args], { cwd, maxBuffer: 64 << 20 });

/**
 * Keyword spotting end to end from the CLI, on spoken words generated with espeak-ng and sox:
 * a search on four keywords (two more words as `unknown`) trains candidates on MFCC features,
 * keeps a front, re-trains it and measures it on the test split, and the export writes the
 * int8 model with its front end's parameters next to it.
 */
describe('keyword spotting from the CLI', () => {
  let data: string;
  beforeAll(async () => {
    await buildOnce();
    data = speechSet('e2e-4w', 20, ['yes', 'no', 'up', 'down', 'left', 'right']);
  }, 120_000);

  it('searches a generated 4-word set, fronts it and exports the model with its MFCC front end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unas-kws-'));
    writeFileSync(
      join(dir, 'kws.unas'),
      `search kws {
  dataset audio {
    path ${JSON.stringify(data)}
    words yes, no, up, down
    features mfcc { window 40 ms  stride 20 ms  coefficients 10 }
    augment { shift 100 ms  noise 80%  volume 10%  copies 1 }
  }
  target nucleo-f746zg
  constraints { ram <= 20 KB  flash <= 40 KB }
  space {
    blocks 1..2 { layers 1..2 { op conv2d | dwconv2d | conv1x1  kernel 3  stride 1 | 2  channels 4..16 } branch no }
    pool none | avg 2
    dense 0..1 { units 16..32 }
  }
  strategy evolution { population 3  sample 2  rounds 4  workers 2  seed 3 }
  train { epochs 3  batch 32  optimizer adam  lr 0.005 }
}
`,
    );
    const searched = await unas(['search', 'kws.unas', '--json', '--runs', join(dir, 'runs')], dir);
    const events = searched.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RunEvent);
    const started = events.find((e) => e.type === 'run-started');
    if (started?.type !== 'run-started') throw new Error(`no run: ${searched.stderr}`);
    const finished = events.flatMap((e) => (e.type === 'candidate-finished' ? [e.candidate] : []));
    expect(finished.filter((c) => c.status === 'trained' && c.testError === undefined)).toHaveLength(4);
    // The re-trained front is measured on the test split.
    const fronted = finished.filter((c) => c.testError !== undefined);
    expect(fronted.length).toBeGreaterThan(0);
    // --json prints events only: the run ends with its run-finished event.
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', reason: 'done' });
    // The features were computed once and cached next to the data.
    expect(readdirSync(join(data, CACHE_DIR)).some((f) => f.startsWith('mfcc-'))).toBe(true);

    const id = fronted[0]!.id;
    const out = join(dir, 'export');
    await unas(['export', started.run, '--candidate', String(id), '--format', 'tflite,c', '--out', out], dir);
    const name = `candidate_${id}`;
    const model = readTflite(new Uint8Array(readFileSync(join(out, `${name}.tflite`))));
    const input = model.tensors[model.inputs[0]!]!;
    expect(Array.from(input.shape)).toEqual([1, 49, 10, 1]);
    const frontEnd = JSON.parse(readFileSync(join(out, `${name}_front_end.json`), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(frontEnd).toMatchObject({
      kind: 'mfcc',
      windowSamples: 640,
      strideSamples: 320,
      coefficients: 10,
      frames: 49,
      classNames: ['silence', 'unknown', 'yes', 'no', 'up', 'down'],
    });
    expect((frontEnd.quantization as { offset: number[] }).offset).toHaveLength(10);
    expect(existsSync(join(out, `${name}_front_end.h`))).toBe(true);
    expect(readFileSync(join(out, `${name}_front_end.h`), 'utf8')).toContain(
      `kCandidate${id}MfccDct[10][40]`,
    );
  });
});
