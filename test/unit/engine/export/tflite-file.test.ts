import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArchGraph } from '../../../../server/src/engine/arch/graph.js';
import { quantizeGraph } from '../../../../server/src/engine/export/quantize-graph.js';
import { estimateTflite, graphFromTflite } from '../../../../server/src/engine/export/tflite-graph.js';
import { readTflite, TfliteFormatError } from '../../../../server/src/engine/export/tflite-reader.js';
import {
  estimatedPayload,
  overheadCounts,
  payloadBytes,
  predictedOverhead,
} from '../../../../server/src/engine/export/tflite-size.js';
import { writeTflite } from '../../../../server/src/engine/export/tflite-writer.js';
import { tflmProblems } from '../../../../server/src/engine/export/tflm-ops.js';
import { TFLITE_FLATBUFFER, TFLM } from '../../../../server/src/engine/resources/conventions.js';
import { estimate } from '../../../../server/src/engine/resources/estimate.js';
import { graphOfModelText } from '../../../../server/src/engine/search/model-text.js';
import { mulberry32, muNasSpace, sampleArch } from '../../../harness/random-archs.js';
import { t1, t4 } from '../resources/reference-nets.js';
import { randomCalibration, randomGraph, randomParams } from './support.js';

const root = join(__dirname, '../../../..');

/** Random graphs of every operator, μNAS-space samples, the reference nets and a recorded run's candidates. */
function corpus(): { name: string; graph: ArchGraph }[] {
  const rng = mulberry32(21);
  const out: { name: string; graph: ArchGraph }[] = [
    { name: 'T1', graph: t1() },
    { name: 'T4', graph: t4() },
  ];
  for (let i = 0; i < 150; i++) out.push({ name: `random ${i}`, graph: randomGraph(rng) });
  for (let i = 0; i < 150; i++) out.push({ name: `μNAS space ${i}`, graph: sampleArch(muNasSpace(), rng) });
  // With branch blocks: sums of two to four paths.
  const branchy = { ...muNasSpace(), branch: 0.6 };
  for (let i = 0; i < 40; i++) out.push({ name: `μNAS branches ${i}`, graph: sampleArch(branchy, rng) });
  const seen = new Set<string>();
  for (const line of readFileSync(join(root, 'test/fixtures/runs/mnist-300.jsonl'), 'utf8').split('\n')) {
    if (!line.includes('"candidate-finished"')) continue;
    const model = (JSON.parse(line) as { candidate: { id: number; model: string } }).candidate;
    if (seen.has(model.model)) continue;
    seen.add(model.model);
    // Recorded model texts are layer lists; a model block around them makes them parse.
    const graph = graphOfModelText(
      /^\s*model\b/.test(model.model) ? model.model : `model candidate_${model.id} {\n${model.model}\n}`,
    );
    if (graph) out.push({ name: `mnist-300 candidate ${model.id}`, graph });
  }
  return out;
}

const CORPUS = corpus();

function exported(
  graph: ArchGraph,
  seed: number,
): { bytes: Uint8Array; model: ReturnType<typeof quantizeGraph> } {
  const rng = mulberry32(seed);
  const model = quantizeGraph(graph, randomParams(graph, rng), randomCalibration(graph, rng));
  return { bytes: writeTflite(model), model };
}

describe('.tflite writer and reader', () => {
  it(`round-trips every model of the corpus (${CORPUS.length} graphs) exactly`, () => {
    expect(CORPUS.length).toBeGreaterThan(400);
    CORPUS.forEach(({ name, graph }, i) => {
      const { bytes, model } = exported(graph, i);
      expect(String.fromCharCode(...bytes.subarray(4, 8)), name).toBe('TFL3');
      expect(readTflite(bytes), name).toEqual(model);
    });
  });

  it('every ADD read back from every exported file has exactly two inputs; every operator fits TFLM kernels', () => {
    let chained = 0;
    CORPUS.forEach(({ name, graph }, i) => {
      const back = readTflite(exported(graph, i).bytes);
      const adds = back.operators.filter((o) => o.op === 'ADD');
      for (const add of adds) expect(add.inputs, name).toHaveLength(2);
      // A chain: an ADD reading another ADD's output (sums of three or more terms).
      const sums = new Set(adds.map((o) => o.outputs[0]));
      if (adds.some((o) => o.inputs.some((t) => sums.has(t)))) chained++;
      expect(tflmProblems(back), name).toEqual([]);
    });
    // μNAS-space samples and the recorded run tie up several branches at once.
    expect(chained).toBeGreaterThanOrEqual(5);
  });

  it('aligns every constant buffer to 16 bytes in the file', () => {
    const { bytes, model } = exported(t1(), 1);
    const back = readTflite(bytes);
    expect(back.tensors.filter((t) => t.data).length).toBe(model.tensors.filter((t) => t.data).length);
    // Find each weight blob in the file: its offset is a multiple of 16.
    for (const t of model.tensors) {
      if (!t.data || t.data.byteLength < 64) continue;
      const needle = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      const at = Buffer.from(bytes).indexOf(needle);
      expect(at % 16, t.name).toBe(0);
    }
  });

  it('unas estimate of the file reports the same RAM, arena, flash and MACs as the source graph', () => {
    for (const [i, { name, graph }] of CORPUS.entries()) {
      const { bytes } = exported(graph, i);
      for (const options of [
        { convention: 'tflm' as const },
        { convention: 'tflm' as const, board: 'nucleo-f746zg' },
        { convention: 'unas' as const },
      ]) {
        const a = estimate(graph, options).totals;
        const b = estimateTflite(readTflite(bytes), options).totals;
        const arena = (t: typeof a) => ({ ...t.arena, order: 'any' });
        expect(
          [b.peakRam, arena(b), b.flash, b.params, b.macs, b.latencyMs],
          `${name} ${JSON.stringify(options)}`,
        ).toEqual([a.peakRam, arena(a), a.flash, a.params, a.macs, a.latencyMs]);
      }
    }
  });

  it("the file's operator order is the RAM-optimal one, so its arena is the estimate's", () => {
    for (const [i, { name, graph }] of CORPUS.entries()) {
      const { fileOrder, graph: back } = graphFromTflite(readTflite(exported(graph, i).bytes));
      const { order: _custom, ...fromFile } = estimate(back, { order: fileOrder }).totals.arena;
      const { order: _optimal, ...optimal } = estimate(graph).totals.arena;
      expect(fromFile, name).toEqual(optimal);
    }
  });

  it('flash: weights, biases and quantisation parameters in the file equal the tflm estimate without flatbuffer overhead, to the byte', () => {
    for (const [i, { name, graph }] of CORPUS.entries()) {
      expect(payloadBytes(readTflite(exported(graph, i).bytes)), name).toBe(estimatedPayload(graph));
    }
  });

  it('flash: the tflm estimate predicts the file size within ±7 % of its flatbuffer overhead', () => {
    let worst = 0;
    for (const [i, { name, graph }] of CORPUS.entries()) {
      const { bytes } = exported(graph, i);
      const back = readTflite(bytes);
      const payload = payloadBytes(back);
      const e = estimate(graph, { convention: TFLM });
      // The estimate's overhead is exactly its constants applied to the file's counts.
      expect(e.totals.flash - payload, name).toBe(predictedOverhead(overheadCounts(back), TFLITE_FLATBUFFER));
      const err = Math.abs(bytes.length - e.totals.flash) / (bytes.length - payload);
      worst = Math.max(worst, err);
      expect(err, `${name}: file ${bytes.length} B, estimate ${e.totals.flash} B`).toBeLessThanOrEqual(0.07);
    }
    // A model, not an identity: the constants are fitted, so some residual remains.
    expect(worst).toBeGreaterThan(0);
  });

  it('rejects what is not a TFLite int8 model, saying why', () => {
    const { bytes } = exported(t1(), 1);
    expect(() => readTflite(new Uint8Array(4))).toThrow(TfliteFormatError);
    const wrongId = bytes.slice();
    wrongId[4] = 0x58;
    expect(() => readTflite(wrongId)).toThrow(/file identifier is not TFL3/);
    expect(() => readTflite(bytes.slice(0, 200))).toThrow(TfliteFormatError);
    const bad = { ...readTflite(bytes) };
    expect(() => graphFromTflite({ ...bad, inputs: [] })).toThrow(/0 inputs/);
  });
});

describe('generated flatbuffer accessors', () => {
  const schema = join(root, 'third_party/tflite/schema.fbs');
  const flatc = (() => {
    try {
      execFileSync('flatc', ['--version']);
      return true;
    } catch {
      return false;
    }
  })();
  const why = !flatc
    ? 'flatc is not installed (apt-get install flatbuffers-compiler; scripts/setup.sh does)'
    : !existsSync(schema)
      ? `${schema} is missing`
      : '';

  it.skipIf(why !== '')(
    `are what scripts/generate-tflite-schema.sh generates now${why ? ` — SKIPPED: ${why}` : ''}`,
    () => {
      const tmp = mkdtempSync(join(tmpdir(), 'tflite-schema-'));
      try {
        execFileSync('bash', [join(root, 'scripts/generate-tflite-schema.sh'), join(tmp, 'generated')], {
          cwd: root,
          stdio: 'pipe',
        });
        const list = (dir: string): string[] =>
          readdirSync(dir).flatMap((f) =>
            statSync(join(dir, f)).isDirectory() ? list(join(dir, f)) : [join(dir, f)],
          );
        const committed = join(root, 'server/src/engine/export/generated');
        const fresh = list(join(tmp, 'generated'))
          .map((f) => relative(join(tmp, 'generated'), f))
          .sort();
        expect(
          list(committed)
            .map((f) => relative(committed, f))
            .sort(),
        ).toEqual(fresh);
        for (const f of fresh)
          expect(
            readFileSync(join(committed, f), 'utf8'),
            `${f} is stale: run bash scripts/generate-tflite-schema.sh`,
          ).toBe(readFileSync(join(tmp, 'generated', f), 'utf8'));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});
