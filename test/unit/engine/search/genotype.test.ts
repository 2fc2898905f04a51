import { describe, expect, it } from 'vitest';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import {
  genotypeToGraph,
  graphSignature,
  type Genotype,
  type LayerGene,
} from '../../../../server/src/engine/search/genotype.js';
import { genotypeToModelText, modelName } from '../../../../server/src/engine/search/model-text.js';
import { sampleGenotype } from '../../../../server/src/engine/search/sample.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';
import { SPACES } from './fixtures.js';

const conv = (filters: number, kernel: number, stride = 1, extra: Partial<LayerGene> = {}): LayerGene =>
  ({
    type: 'conv2d',
    filters,
    kernel,
    stride,
    padding: 'valid',
    prepool: false,
    batchnorm: false,
    relu: true,
    ...extra,
  }) as LayerGene;
const dw = (kernel: number, stride = 1): LayerGene => ({
  type: 'dwconv2d',
  kernel,
  stride,
  padding: 'valid',
  prepool: false,
  batchnorm: true,
  relu: false,
});
const base: Genotype = {
  input: [28, 28, 1],
  classes: 10,
  blocks: [],
  pool: null,
  dense: [],
  dropout: 0,
  prepoolSize: 2,
};

const summary = (g: Genotype) => genotypeToGraph(g).graph.nodes.map((n) => `${n.name} ${n.shape.join('x')}`);

describe('genotypeToGraph', () => {
  it('ties a branch up with the head block: forced channels, max-pool to the smaller map, add', () => {
    const g: Genotype = {
      ...base,
      blocks: [
        { branch: false, layers: [conv(8, 3)] },
        { branch: true, layers: [conv(16, 5, 2)] },
      ],
      pool: { type: 'max', size: 4 },
      dense: [32],
    };
    const { graph, errors } = genotypeToGraph(g);
    expect(errors).toEqual([]);
    expect(summary(g)).toEqual([
      'input_0 28x28x1',
      'conv2d_0 26x26x8',
      'conv2d_1 12x12x8',
      'maxpool_0 12x12x8',
      'add_0 12x12x8',
      'maxpool_1 3x3x8',
      'flatten_0 72',
      'dense_0 32',
      'dense_1 10',
      'softmax_0 10',
    ]);
    // The branch reads the block's input, not the head's output; 26 → 12 by a 4×4 / 2 pool.
    expect(graph.nodes[2]!.inputs).toEqual([0]);
    expect(graph.nodes[3]!.op).toMatchObject({ kind: 'pool', type: 'max', size: [4, 4], stride: [2, 2] });
    expect(graph.nodes[4]!.inputs).toEqual([3, 2]);
  });

  it('appends a 1x1 conv to a depthwise last layer of a branch; the next block reads the tie-up', () => {
    const g: Genotype = {
      ...base,
      blocks: [
        { branch: false, layers: [conv(6, 3)] },
        { branch: false, layers: [conv(12, 3)] },
        { branch: true, layers: [dw(3)] },
        { branch: true, layers: [conv(5, 3), dw(5)] },
        { branch: false, layers: [conv(4, 3)] },
      ],
    };
    expect(genotypeToGraph(g).errors).toEqual([]);
    expect(summary(g)).toEqual([
      'input_0 28x28x1',
      'conv2d_0 26x26x6',
      'conv2d_1 24x24x12',
      'dwconv2d_0 24x24x6',
      'conv2d_2 24x24x12',
      'conv2d_3 24x24x5',
      'dwconv2d_1 20x20x5',
      'conv2d_4 20x20x12',
      'maxpool_0 20x20x12',
      'maxpool_1 20x20x12',
      // Three terms: a chain of two two-input adds.
      'add_0 20x20x12',
      'add_1 20x20x12',
      'conv2d_5 18x18x4',
      'flatten_0 1296',
      'dense_0 10',
      'softmax_0 10',
    ]);
    const appended = genotypeToGraph(g).graph.nodes[7]!.op;
    expect(appended).toMatchObject({
      kind: 'conv2d',
      filters: 12,
      kernel: [1, 1],
      activation: 'none',
      batchnorm: false,
    });
  });

  it('clips the final pool to the map and leaves it out below 2', () => {
    const at = (size: number, stride: number) =>
      summary({
        ...base,
        input: [9, 9, 1],
        blocks: [{ branch: false, layers: [conv(2, 3, stride)] }],
        pool: { type: 'avg', size },
      });
    expect(at(2, 1)[2]).toBe('avgpool_0 3x3x2'); // 7×7 map, pool 2: as written
    expect(at(6, 2)[2]).toBe('avgpool_0 1x1x2'); // 4×4 map, pool 6: clipped to 4
    expect(at(6, 7)[2]).toBe('flatten_0 2'); // 1×1 map: no pool at all
  });

  it('locates shape errors in genotype terms', () => {
    const g: Genotype = {
      ...base,
      input: [6, 6, 1],
      blocks: [{ branch: false, layers: [conv(4, 3, 2), { ...conv(4, 3), prepool: true }] }],
    };
    const { errors } = genotypeToGraph(g);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^layer 1\.2: conv2d kernel 3×3 is larger than its 1×1 input/);
  });

  it('is plain JSON', () => {
    const g = sampleGenotype(SPACES.mnist!, new SerialisableRng(3));
    expect(JSON.parse(JSON.stringify(g))).toEqual(g);
    expect(graphSignature(genotypeToGraph(JSON.parse(JSON.stringify(g)) as Genotype).graph)).toBe(
      graphSignature(genotypeToGraph(g).graph),
    );
  });
});

describe('genotypeToModelText', () => {
  it('round-trips through analyze(): 500 random genotypes build the same graph node for node', () => {
    const names = Object.keys(SPACES);
    const rng = new SerialisableRng(500);
    const seen = { add: 0, same: 0, pool: 0, dropout: 0, dw1x1: 0 };
    for (let i = 0; i < 500; i++) {
      const space = SPACES[names[i % names.length]!]!;
      const g = sampleGenotype(space, rng);
      const text = genotypeToModelText(g, `cand_${i}`);
      seen.add += Number(text.includes('add {'));
      seen.same += Number(text.includes(' same'));
      seen.pool += Number(/\n {2}(max|avg)pool/.test(text));
      seen.dropout += Number(text.includes('dropout'));
      seen.dw1x1 += Number(/dwconv2d[^\n]*\n\s*conv1x1[^\n]*\n\s*}/.test(text));
      const analysis = analyze(text);
      const model = analysis.document.models[0]!;
      expect(
        analysis.diagnostics.filter((d) => d.severity === 'error'),
        text,
      ).toEqual([]);
      const parsed = analysis.graphs.get(model)!;
      const built = genotypeToGraph(g).graph;
      expect(parsed.nodes.length, text).toBe(built.nodes.length);
      parsed.nodes.forEach((n, k) => {
        const b = built.nodes[k]!;
        expect({ op: n.op, inputs: n.inputs, shape: n.shape, name: n.name }, text).toEqual({
          op: b.op,
          inputs: b.inputs,
          shape: b.shape,
          name: b.name,
        });
      });
    }
    // The sample exercised what the text has to get right.
    for (const [feature, count] of Object.entries(seen)) expect(count, feature).toBeGreaterThan(10);
  });

  it('prints branches as add paths and cleans the name', () => {
    const g: Genotype = {
      ...base,
      blocks: [
        { branch: false, layers: [conv(8, 3, 2, { batchnorm: true })] },
        { branch: true, layers: [dw(3, 2)] },
      ],
      pool: { type: 'max', size: 2 },
      dense: [16],
      dropout: 0.1,
    };
    expect(genotypeToModelText(g, '7 best/one')).toBe(
      [
        'model best_one {',
        '  input 28x28x1',
        '  add {',
        '    path {',
        '      conv2d 8 k3 s2 bn relu',
        '    }',
        '    path {',
        '      dwconv2d k3 s2 bn',
        '      conv1x1 8',
        '    }',
        '  }',
        '  maxpool 2',
        '  flatten',
        '  dropout 0.1',
        '  dense 16 relu',
        '  dense 10',
        '  softmax',
        '}',
        '',
      ].join('\n'),
    );
    expect(modelName('')).toBe('candidate');
  });
});
