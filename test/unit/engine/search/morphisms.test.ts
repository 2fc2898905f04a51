import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../../../server/src/engine/arch/space.js';
import {
  genotypeToGraph,
  graphSignature,
  type Genotype,
  type LayerGene,
} from '../../../../server/src/engine/search/genotype.js';
import { spaceViolations } from '../../../../server/src/engine/search/in-space.js';
import { legalMorphs, morphEdits, mutate } from '../../../../server/src/engine/search/morphisms.js';
import { sampleGenotype } from '../../../../server/src/engine/search/sample.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';
import { paperSpace, SPACES } from './fixtures.js';

const signature = (g: Genotype) => graphSignature(genotypeToGraph(g).graph);

/** Random walks: mutate the last child, restarting from a fresh sample every 40 steps. */
function walk(
  space: SearchSpace,
  steps: number,
  seed: number,
  check: (parent: Genotype, child: Genotype, label: string) => void,
): void {
  const rng = new SerialisableRng(seed);
  let g = sampleGenotype(space, rng);
  for (let i = 0; i < steps; i++) {
    if (i % 40 === 39) g = sampleGenotype(space, rng);
    const m = mutate(g, space, rng);
    expect(m, JSON.stringify(g)).toBeDefined();
    check(g, m!.child, m!.label);
    g = m!.child;
  }
}

const kinds = (label: string) =>
  label
    .replace(/\(.*\)/, '')
    .replace(/(conv2d|conv1x1|dwconv2d|avg|max)/g, 'T')
    .replace(/\d+(\.\d+)?/g, '#')
    .trim();

describe('mutate', () => {
  it('keeps 10,000 seeded children of the μNAS space inside it, shape-valid and different from their parents', () => {
    const labels = new Set<string>();
    walk(SPACES.mnist!, 10_000, 1, (parent, child, label) => {
      expect(spaceViolations(child, SPACES.mnist!), label).toEqual([]);
      expect(genotypeToGraph(child).errors, label).toEqual([]);
      expect(signature(child), label).not.toBe(signature(parent));
      labels.add(kinds(label));
    });
    // Every kind of edit of domain.md came up.
    for (const k of [
      'network: remove block #',
      'network: append block #',
      'network: append branch block #',
      'block #: branch on',
      'block #: branch off',
      'block #: remove',
      'block #: remove layer #',
      'block #: insert T as layer #',
      'layer #: batch norm on',
      'layer #: batch norm off',
      'layer #: ReLU on',
      'layer #: ReLU off',
      'layer #: pre-pool on',
      'layer #: pre-pool off',
      'layer #: type T → T',
      'layer #: filters +#',
      'layer #: filters -#',
      'layer #: kernel +#',
      'layer #: kernel -#',
      'layer #: stride # → #',
      'pool: on',
      'pool: off',
      'pool: T → T',
      'pool: size +#',
      'pool: size -#',
      'dense: remove dense #',
      'dense: append dense #',
      'dense #: units +#',
      'dense #: units -#',
    ])
      expect(labels, k).toContain(k);
  });

  it.each(['cifar', 'kws', 'tiny', 'same', 'plain', 'fixed'])(
    'keeps children of the %s space inside it and shape-valid (3,000 mutations)',
    (name) => {
      const space = SPACES[name]!;
      walk(space, 3000, 7, (parent, child, label) => {
        expect(spaceViolations(child, space), label).toEqual([]);
        expect(genotypeToGraph(child).errors, label).toEqual([]);
        expect(signature(child), label).not.toBe(signature(parent));
      });
    },
  );

  it('draws uniformly among the legal morphs', () => {
    const { space, g } = small();
    const rng = new SerialisableRng(3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 8000; i++) {
      const label = mutate(g, space, rng)!.label;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    // Edits without random parts have fixed labels; each should get about the same share.
    const fixed = [...counts].filter(([l]) => !/append|insert|remove/.test(l)).map(([, c]) => c);
    expect(fixed.length).toBe(13);
    const mean = fixed.reduce((a, b) => a + b, 0) / fixed.length;
    for (const c of fixed) expect(Math.abs(c - mean) / mean).toBeLessThan(0.2);
    expect(counts.has('pool: max → avg')).toBe(false);
  });

  it('returns undefined when no edit is legal', () => {
    const space = paperSpace([8, 8, 1], 2, {
      blocks: { min: 1, max: 1 },
      layers: { min: 1, max: 1 },
      branch: 0,
      layer: {
        ...paperSpace([8, 8, 1], 2).layer,
        types: [{ value: 'conv1x1', weight: 1 }],
        channels: { min: 4, max: 4 },
        batchnorm: 1,
        relu: 1,
        prepool: { probability: 0, size: 2 },
      },
      pool: [{ value: null, weight: 1 }],
      dense: { min: 0, max: 0 },
    });
    const g = sampleGenotype(space, new SerialisableRng(1));
    expect(mutate(g, space, new SerialisableRng(1))).toBeUndefined();
  });
});

/** A small parent whose edits can be listed by hand. */
function small(): { space: SearchSpace; g: Genotype } {
  const base = paperSpace([12, 12, 1], 3);
  const space = paperSpace([12, 12, 1], 3, {
    blocks: { min: 1, max: 2 },
    layers: { min: 1, max: 2 },
    layer: {
      ...base.layer,
      types: [
        { value: 'conv2d', weight: 0.5 },
        { value: 'dwconv2d', weight: 0.5 },
      ],
      kernels: [
        { value: 3, weight: 0.5 },
        { value: 5, weight: 0.5 },
      ],
      channels: { min: 4, max: 8 },
    },
    pool: [
      { value: null, weight: 0.5 },
      { value: { type: 'max', size: 2 }, weight: 0.25 },
      { value: { type: 'max', size: 4 }, weight: 0.25 },
    ],
    dense: { min: 0, max: 1 },
    units: { min: 10, max: 12 },
  });
  const layer: LayerGene = {
    type: 'conv2d',
    filters: 5,
    kernel: 3,
    stride: 1,
    padding: 'valid',
    prepool: false,
    batchnorm: false,
    relu: true,
  };
  const g: Genotype = {
    input: [12, 12, 1],
    classes: 3,
    blocks: [{ branch: false, layers: [layer] }],
    pool: { type: 'max', size: 2 },
    dense: [11],
    dropout: 0,
    prepoolSize: 2,
  };
  return { space, g };
}

describe('morphEdits', () => {
  it('lists every one-step edit of domain.md, labelled', () => {
    const { space, g } = small();
    expect(morphEdits(g, space).map((e) => e.label)).toEqual([
      'network: append a block',
      'block 1: insert a layer',
      'layer 1.1: batch norm on',
      'layer 1.1: ReLU off',
      'layer 1.1: pre-pool on',
      'layer 1.1: type conv2d → dwconv2d',
      'layer 1.1: filters -1',
      'layer 1.1: filters +1',
      'layer 1.1: filters +3',
      'layer 1.1: kernel +2',
      'layer 1.1: stride 1 → 2',
      'pool: off',
      'pool: max → avg',
      'pool: size +2',
      'dense: remove a layer',
      'dense 1: units -1',
      'dense 1: units +1',
    ]);
    // max → avg leaves the space (no avg pool in it); the rest are legal.
    const legal = legalMorphs(g, space, new SerialisableRng(2)).map((m) => m.label);
    expect(legal).not.toContain('pool: max → avg');
    expect(legal).toContain('dense: remove dense 1');
    expect(legal.length).toBeGreaterThanOrEqual(14);
  });

  it('turns the branch after a removed head block into a plain block', () => {
    const { space, g } = small();
    const two: Genotype = { ...g, blocks: [g.blocks[0]!, { branch: true, layers: g.blocks[0]!.layers }] };
    const edit = morphEdits(two, space).find((e) => e.label === 'block 1: remove')!;
    const child = edit.realise(new SerialisableRng(1)).child;
    expect(child.blocks).toEqual([{ branch: false, layers: g.blocks[0]!.layers }]);
    // The forced last layer of a branch has no filter edits (they would change nothing).
    expect(
      morphEdits(two, space)
        .map((e) => e.label)
        .filter((l) => l.startsWith('layer 2.1: filters')),
    ).toEqual([]);
  });

  it('never mutates its parent', () => {
    const { space, g } = small();
    const frozen = JSON.stringify(g);
    legalMorphs(g, space, new SerialisableRng(4));
    for (let i = 0; i < 50; i++) mutate(g, space, new SerialisableRng(i));
    expect(JSON.stringify(g)).toBe(frozen);
  });
});
