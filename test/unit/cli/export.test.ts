import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../support/cli.js';
import { trainedCandidate } from '../../support/run-stream.js';
import type { CandidateSummary, RunEvent } from '../../../protocol/src/run-events.js';
import { exportCommand, tfliteEstimateCommand } from '../../../server/src/cli/export.js';
import { resolveSearch } from '../../../server/src/engine/config/resolve-search.js';
import {
  arenaSize,
  cArrayFiles,
  cIdentifier,
  pascalCase,
} from '../../../server/src/engine/export/c-array.js';
import { loadSavedModel, saveTfjsModel } from '../../../server/src/engine/training/saved-model.js';
import { readTflite } from '../../../server/src/engine/export/tflite-reader.js';
import { analyze } from '../../../server/src/engine/language/analyze.js';
import { estimate } from '../../../server/src/engine/resources/estimate.js';
import { RunStore } from '../../../server/src/engine/runs/run-store.js';
import { graphOfModelText } from '../../../server/src/engine/search/model-text.js';
import { initTrainingBackend } from '../../../server/src/engine/training/backend/index.js';
import { buildModel } from '../../../server/src/engine/training/model-builder.js';

/**
 * `unas export` and `unas estimate model.tflite` in-process, on a run folder made here: the
 * search settings of a fixture, a journal with two candidates, and saved (untrained) weights for
 * the one on the front.
 */
const root = join(__dirname, '../../..');
const MODEL =
  'model candidate_7 {\n  input 28x28x1\n  conv2d 4 k3 s2 bn relu\n  dwconv2d k3 relu\n  maxpool 2\n  flatten\n  dense 10\n  softmax\n}';

const io = captureIo;

const summary = (id: number, model: string): CandidateSummary => trainedCandidate({ id, model });

describe('unas export / unas estimate model.tflite', () => {
  let dir: string;
  let run: string;

  beforeAll(async () => {
    await initTrainingBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'unas-export-'));
    const fixture = join(root, 'test/fixtures/search/tiny-mnist.unas');
    const a = analyze(readFileSync(fixture, 'utf8'));
    const r = resolveSearch(a.document, a.document.searches[0]!, fixture);
    if (!r.ok) throw new Error('fixture search does not resolve');
    const store = await RunStore.create(dir, r.config);
    run = store.dir;
    const events: RunEvent[] = [
      { type: 'candidate-finished', candidate: summary(7, MODEL), time: '2026-01-01T00:00:00.000Z' },
      {
        type: 'candidate-finished',
        candidate: summary(8, MODEL.replace('conv2d 4', 'conv2d 5')),
        time: '2026-01-01T00:00:01.000Z',
      },
      { type: 'front', ids: [7], hypervolume: 0.5, evaluated: 2 },
    ];
    for (const e of events) store.append(e);
    store.close();
    const model = buildModel(graphOfModelText(MODEL)!, { seed: 1 });
    await saveTfjsModel(model, store.weightsDir(7));
    model.dispose();
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports a front member as .tflite, C array and tfjs, and says what it wrote', async () => {
    const o = io(dir);
    const code = await exportCommand(
      [
        run,
        '--candidate',
        '7',
        '--format',
        'tflite,c,tfjs',
        '--out',
        'out',
        '--calibration',
        '200',
        '--backend',
        'wasm',
      ],
      o,
    );
    expect(o.err()).toBe('');
    expect(code).toBe(0);
    for (const f of [
      'candidate_7.tflite',
      'candidate_7_model.h',
      'candidate_7_model.cc',
      'tfjs/model.json',
      'tfjs/weights.bin',
    ])
      expect(existsSync(join(dir, 'out', f)), f).toBe(true);
    expect(o.out()).toMatch(/input int8 = .* \(i\.e\. pixel − 128\)/);
    const bytes = readFileSync(join(dir, 'out/candidate_7.tflite'));
    expect(readTflite(bytes).description).toBe('unas export: tiny candidate 7');
    // The tfjs export loads back as the same float model.
    const a = await loadSavedModel(join(dir, 'out/tfjs'));
    const b = await loadSavedModel(join(run, 'weights/7'));
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
    expect(Array.from((a.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((b.predict(x) as tf.Tensor).dataSync()),
    );
    a.dispose();
    b.dispose();
    x.dispose();
  });

  it("estimates the exported .tflite with the same RAM, flash and MACs as the candidate's graph", async () => {
    const o = io(dir);
    expect(
      await tfliteEstimateCommand(
        { file: 'out/candidate_7.tflite', json: true, convention: 'tflm', board: 'nucleo-f746zg' },
        o,
      ),
    ).toBe(0);
    const got = JSON.parse(o.out()) as { estimate: { totals: ReturnType<typeof estimate>['totals'] } };
    const want = estimate(graphOfModelText(MODEL)!, { convention: 'tflm', board: 'nucleo-f746zg' }).totals;
    expect([
      got.estimate.totals.peakRam,
      got.estimate.totals.arena.total,
      got.estimate.totals.flash,
      got.estimate.totals.macs,
    ]).toEqual([want.peakRam, want.arena.total, want.flash, want.macs]);
    const text = io(dir);
    expect(
      await tfliteEstimateCommand({ file: 'out/candidate_7.tflite', json: false, convention: 'tflm' }, text),
    ).toBe(0);
    expect(text.out()).toContain('peak RAM');
    expect(text.out()).toContain('conv2d_0');
  });

  it('explains a candidate without saved weights, an unknown candidate and bad arguments', async () => {
    const notFront = io(dir);
    expect(await exportCommand([run, '--candidate', '8'], notFront)).toBe(3);
    expect(notFront.err()).toMatch(
      /candidate 8 has no saved weights in .*weights are kept only for members of the Pareto front; the front is 7/,
    );
    const unknown = io(dir);
    expect(await exportCommand([run, '--candidate', '99'], unknown)).toBe(3);
    expect(unknown.err()).toMatch(/no candidate 99/);
    const badFormat = io(dir);
    expect(await exportCommand([run, '--candidate', '7', '--format', 'onnx'], badFormat)).toBe(2);
    expect(badFormat.err()).toMatch(/--format takes tflite, c, tfjs/);
    expect(await exportCommand([run], io(dir))).toBe(2);
    expect(await exportCommand([join(dir, 'nowhere'), '--candidate', '1'], io(dir))).toBe(3);
    const notTflite = io(dir);
    writeFileSync(join(dir, 'junk.tflite'), 'not a model at all');
    expect(
      await tfliteEstimateCommand({ file: 'junk.tflite', json: false, convention: 'tflm' }, notTflite),
    ).toBe(1);
    expect(notTflite.err()).toMatch(/not a TFLite model/);
  });
});

describe('C array', () => {
  const arena = {
    order: 'optimal' as const,
    tensors: 1000,
    scratch: 96,
    tail: 1800,
    total: 2896,
    host64: { scratch: 0, tail: 2400, total: 3400 },
  };
  const files = cArrayFiles({
    name: 'candidate_7',
    bytes: Uint8Array.from({ length: 30 }, (_, i) => i * 7),
    arena,
    input: { scale: 1 / 255, zeroPoint: -128 },
    output: { scale: 1 / 256, zeroPoint: -128 },
  });

  it('names things after the candidate and rounds the arena up to 1 KiB', () => {
    expect([cIdentifier('candidate 7'), cIdentifier('7x'), pascalCase('candidate_7')]).toEqual([
      'candidate_7',
      'm_7x',
      'Candidate7',
    ]);
    expect(arenaSize(arena)).toBe(3072);
    expect(files.headerName).toBe('candidate_7_model.h');
    expect(files.header).toContain('constexpr int kCandidate7ArenaSize = 3072;');
    expect(files.header).toContain('= 2896 B, rounded up to a multiple of 1024 B.');
    expect(files.header).toContain('activations 1000 B + scratch 0 B + tail 2400 B = 3400 B.');
    expect(files.header).toContain('constexpr int kCandidate7ArenaSizeHost64 = 4096;');
    expect(files.source).toContain('alignas(16) const unsigned char g_candidate_7_model[] = {');
    expect(files.source).toContain('const unsigned int g_candidate_7_model_len = 30;');
    expect(files.source).toContain('  0x00, 0x07, 0x0e,');
  });

  const gxx = (() => {
    try {
      execFileSync('g++', ['--version']);
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!gxx)('compiles with g++ -std=c++17 and holds the exact bytes, 16-byte aligned', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'unas-c-'));
    try {
      writeFileSync(join(tmp, files.headerName), files.header);
      writeFileSync(join(tmp, files.sourceName), files.source);
      writeFileSync(
        join(tmp, 'main.cc'),
        `#include <cstdio>\n#include <cstdint>\n#include "${files.headerName}"\nint main() {\n  unsigned sum = 0;\n  for (unsigned i = 0; i < g_candidate_7_model_len; i++) sum = sum * 31 + g_candidate_7_model[i];\n  std::printf("%u %u %d %d %d %g\\n", g_candidate_7_model_len, sum, (int)(reinterpret_cast<std::uintptr_t>(g_candidate_7_model) % 16), kCandidate7ArenaSize, kCandidate7ArenaSizeForThisBuild, kCandidate7OutputScale);\n}\n`,
      );
      execFileSync('g++', [
        '-std=c++17',
        '-Wall',
        '-Werror',
        '-o',
        join(tmp, 'a.out'),
        join(tmp, 'main.cc'),
        join(tmp, files.sourceName),
      ]);
      let sum = 0;
      for (let i = 0; i < 30; i++) sum = (Math.imul(sum, 31) + ((i * 7) & 0xff)) >>> 0;
      expect(execFileSync(join(tmp, 'a.out'), { encoding: 'utf8' }).trim()).toBe(
        // This machine is a 64-bit host: the build-dependent constant picks the host figure.
        `30 ${sum} 0 3072 4096 0.00390625`,
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
