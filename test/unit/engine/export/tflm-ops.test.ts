import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArchGraph, GraphNode } from '../../../../server/src/engine/arch/graph.js';
import { QuantizeError, quantizeGraph } from '../../../../server/src/engine/export/quantize-graph.js';
import { graphFromTflite } from '../../../../server/src/engine/export/tflite-graph.js';
import { BUILTIN_NAMES, type TfliteModel } from '../../../../server/src/engine/export/tflite-model.js';
import { readTflite, TfliteFormatError } from '../../../../server/src/engine/export/tflite-reader.js';
import { writeTflite } from '../../../../server/src/engine/export/tflite-writer.js';
import { tableRow, TFLM_OPS, tflmProblems } from '../../../../server/src/engine/export/tflm-ops.js';
import { checkDocument } from '../../../../server/src/engine/checks/check-document.js';
import { defaultEnvironment } from '../../../../server/src/engine/checks/environment.js';
import { mulberry32 } from '../../../harness/random-archs.js';
import { conv } from '../resources/reference-nets.js';
import { randomCalibration, randomParams } from './support.js';

const root = join(__dirname, '../../../..');

/** input → three convs → one ADD of all three (or a CONCATENATION of `n` copies), as no builder makes it. */
function rawGraph(merge: 'add' | 'concat', terms: number): ArchGraph {
  const nodes: GraphNode[] = [
    { id: 0, op: { kind: 'input', shape: [6, 6, 1] }, inputs: [], shape: [6, 6, 1], name: 'input_0' },
  ];
  for (let i = 0; i < 3; i++)
    nodes.push({ id: i + 1, op: conv(4, 3, 1, 'same'), inputs: [0], shape: [6, 6, 4], name: `conv2d_${i}` });
  const inputs = Array.from({ length: terms }, (_, i) => 1 + (i % 3));
  const shape = merge === 'add' ? [6, 6, 4] : [6, 6, 4 * terms];
  nodes.push({ id: 4, op: { kind: merge }, inputs, shape, name: `${merge}_0` });
  return { nodes, output: 4 };
}

function quantize(graph: ArchGraph): TfliteModel {
  const rng = mulberry32(3);
  return quantizeGraph(graph, randomParams(graph, rng), randomCalibration(graph, rng));
}

describe('the operators TFLite Micro accepts (tflm-ops.ts)', () => {
  it('covers every operator the exporter writes', () => {
    expect(Object.keys(TFLM_OPS).sort()).toEqual([...BUILTIN_NAMES].sort());
  });

  it('docs/export.md shows the same table, row for row', () => {
    const doc = readFileSync(join(root, 'docs/export.md'), 'utf8');
    const rows = doc.split('\n').filter((l) => /^\| [A-Z_0-9]+ \|/.test(l));
    expect(rows).toEqual(BUILTIN_NAMES.map(tableRow));
  });

  it('the exporter refuses a three-input ADD, naming the kernel that would drop the third', () => {
    expect(() => quantize(rawGraph('add', 3))).toThrow(QuantizeError);
    expect(() => quantize(rawGraph('add', 3))).toThrow(
      /operator 3 \(ADD\): 3 inputs; TFLite Micro's kernel takes 2: activation int8, activation or constant int8 \(tensorflow\/lite\/micro\/kernels\/add_common\.cc\)/,
    );
    expect(quantize(rawGraph('add', 2)).operators.at(-1)!.op).toBe('ADD');
  });

  it('the exporter refuses a CONCATENATION of more than 10 inputs (kMaxInputNum)', () => {
    expect(() => quantize(rawGraph('concat', 11))).toThrow(/11 inputs; .* takes 2–10 × activation int8/);
    expect(quantize(rawGraph('concat', 10)).operators.at(-1)!.inputs).toHaveLength(10);
  });

  it('checks roles and types: a constant where an activation belongs, an int32 where int8 belongs', () => {
    const m = quantize(rawGraph('add', 2));
    const add = m.operators.length - 1;
    const weights = m.operators[0]!.inputs[1]!;
    const bias = m.operators[0]!.inputs[2]!;
    const swap = (inputs: number[]): TfliteModel => ({
      ...m,
      operators: m.operators.map((o, i) => (i === add ? { ...o, inputs } : o)),
    });
    expect(tflmProblems(swap([weights, m.operators[add]!.inputs[1]!]))).toEqual([
      "operator 3 (ADD): input 0 'conv2d_0/weights' is a constant int8; the kernel takes activation int8",
    ]);
    expect(tflmProblems(swap([m.operators[add]!.inputs[0]!, bias]))).toEqual([
      "operator 3 (ADD): input 1 'conv2d_0/bias' is a constant int32; the kernel takes activation or constant int8",
    ]);
  });

  it('the reader refuses a file with a three-input ADD', () => {
    const m = quantize(rawGraph('add', 2));
    const add = m.operators.length - 1;
    const three: TfliteModel = {
      ...m,
      operators: m.operators.map((o, i) =>
        i === add ? { ...o, inputs: [...o.inputs, m.operators[2]!.outputs[0]!] } : o,
      ),
    };
    const back = readTflite(writeTflite(three));
    expect(() => graphFromTflite(back)).toThrow(TfliteFormatError);
    expect(() => graphFromTflite(back)).toThrow(/ADD\): 3 inputs/);
  });

  it('the editor warns on a concat of more than 10 paths, at the statement, before any export', () => {
    const paths = (n: number): string => Array.from({ length: n }, () => 'path { conv1x1 2 }').join(' ');
    const text = (n: number): string =>
      `model m {\n  input 8x8x1\n  concat { ${paths(n)} }\n  flatten\n  dense 10\n}\n`;
    const warned = (n: number) =>
      checkDocument(text(n), defaultEnvironment()).findings.filter((f) => f.code === 'tflm-concat-inputs');
    expect(warned(10)).toEqual([]);
    const [w] = warned(11);
    expect(w).toMatchObject({
      severity: 'warning',
      message:
        "concat of 11 paths: TensorFlow Lite Micro's CONCATENATION takes at most 10 inputs (kernels/concatenation.cc), so this model cannot be exported",
    });
    expect(text(11).slice(w!.start, w!.start + 6)).toBe('concat');
  });
});
