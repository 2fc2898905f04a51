import { describe, expect, it } from 'vitest';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import type { LayerDecl } from '../../../../server/src/engine/language/ast.js';
import { genotypeToGraph, graphSignature } from '../../../../server/src/engine/search/genotype.js';
import { genotypeFromLayers } from '../../../../server/src/engine/search/genotype-from-model.js';
import { inSpace } from '../../../../server/src/engine/search/in-space.js';
import { genotypeToModelText } from '../../../../server/src/engine/search/model-text.js';
import { sampleGenotype } from '../../../../server/src/engine/search/sample.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';
import { SPACES } from './fixtures.js';

function model(text: string): { input: readonly number[]; layers: readonly LayerDecl[] } {
  const m = analyze(text).document.models[0]!;
  return { input: m.input!.value, layers: m.layers };
}

describe('genotypeFromLayers', () => {
  it('recovers a genotype that builds the same network from 500 printed genotypes', () => {
    const names = Object.keys(SPACES);
    const rng = new SerialisableRng(77);
    for (let i = 0; i < 500; i++) {
      const space = SPACES[names[i % names.length]!]!;
      const g = sampleGenotype(space, rng);
      const { input, layers } = model(genotypeToModelText(g, 'm'));
      const back = genotypeFromLayers(input, layers, {
        maxLayers: space.layers.max,
        prepoolSize: space.layer.prepool.size,
      });
      expect(back.ok, back.ok ? '' : `${back.reason}\n${genotypeToModelText(g, 'm')}`).toBe(true);
      if (!back.ok) continue;
      expect(graphSignature(genotypeToGraph(back.genotype).graph)).toBe(
        graphSignature(genotypeToGraph(g).graph),
      );
      // The network, not the genotype, comes back: chains may be cut into blocks differently, a
      // clipped final pool reads as its clipped size, a conv2d k1 as a conv1x1.
    }
  });

  it('reads a hand-written μNAS-style model, packing a chain into blocks', () => {
    const { input, layers } = model(`model m {
      input 28x28x1
      conv2d 8 k3 s2 relu
      maxpool 2
      dwconv2d k3 bn
      conv1x1 16 relu
      conv2d 16 k3 relu
      maxpool 2
      flatten
      dropout 0.1
      dense 32 relu
      dense 10
      softmax
    }`);
    const r = genotypeFromLayers(input, layers);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.genotype.blocks.map((b) => b.layers.map((l) => l.type))).toEqual([
      ['conv2d', 'dwconv2d', 'conv1x1'],
      ['conv2d'],
    ]);
    expect(r.genotype.blocks[0]!.layers[1]).toMatchObject({ prepool: true, batchnorm: true, relu: false });
    expect(r.genotype).toMatchObject({
      pool: { type: 'max', size: 2 },
      dense: [32],
      dropout: 0.1,
      classes: 10,
      prepoolSize: 2,
    });
    expect(inSpace(r.genotype, { ...SPACES.mnist!, dropout: 0.1 })).toBe(true);
  });

  it('says why a model is not in the μNAS family', () => {
    const reason = (text: string) => {
      const { input, layers } = model(text);
      const r = genotypeFromLayers(input, layers);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason('model m { input 49x10x1; conv2d 64 k3 s2 same relu; gap; dense 12; softmax }')).toBe('ok');
    expect(reason('model m { input 49x10x1; conv2d 64 k3 s2 same relu; gmp; dense 12; softmax }')).toBe('ok');
    expect(
      reason('model m { input 8x8x1; conv2d 4 k3; maxpool 2; maxpool 2; flatten; dense 2; softmax }'),
    ).toMatch(/expected flatten or global pooling after the conv layers, found pool/);
    expect(
      reason(
        'model m { input 8x8x1; conv2d 4 k3; add { path { conv2d 4 k3 } path { } }; flatten; dense 2; softmax }',
      ),
    ).toMatch(/identity path/);
    expect(
      reason(
        'model m { input 8x8x1; conv2d 4 k3; add { path { conv2d 4 k3 } path { dwconv2d k3 } }; flatten; dense 2; softmax }',
      ),
    ).toMatch(/does not rebuild/);
    expect(reason('model m { input 8x8x1; conv2d 4 k3; flatten; dense 2 }')).toMatch(/softmax/);
    expect(reason('model m { input 8x8x1; conv2d 4 k3; flatten; dropout 0.2; dense 2; softmax }')).toMatch(
      /dropout before the classifier/,
    );
    expect(reason('model m { input 4x4x1; conv2d 4 k5; flatten; dense 2; softmax }')).toMatch(/shape errors/);
  });
});
