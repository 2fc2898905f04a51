import { describe, expect, it } from 'vitest';
import type { Resources } from '../../../../protocol/src/run-events.js';
import { resolveSearch } from '../../../../server/src/engine/config/resolve-search.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import {
  prescreenGraph,
  prunedGenotype,
  prunedRecord,
  pruningSpecFor,
} from '../../../../server/src/engine/runs/pruned-candidate.js';
import { estimateOn, resourcesOf } from '../../../../server/src/engine/runs/profiler.js';
import type { ArchGraph } from '../../../../server/src/engine/arch/graph.js';
import { genotypeToGraph } from '../../../../server/src/engine/search/genotype.js';
import { sampleGenotype } from '../../../../server/src/engine/search/sample.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';
import { structuredPrunable } from '../../../../server/src/engine/training/pruning/prunable.js';
import { graphWithChannels } from '../../../../server/src/engine/training/pruning/shrink-graph.js';
import { SPACES } from '../search/fixtures.js';

const config = (() => {
  const a = analyze(`search s {
  dataset mnist
  space { dense 1..3 { units 10..64 } }
  pruning { structured 20%..60%  epochs 1..2 }
  train { epochs 3 }
}`);
  const r = resolveSearch(a.document, a.document.searches[0]!, '/data/x/a.unas');
  if (!r.ok) throw new Error(r.errors.join());
  return r.config;
})();

const layersByName = (g: ArchGraph) =>
  Object.fromEntries(
    g.nodes.map((n) => [
      n.name,
      `${n.op.kind === 'add' ? 'add' : JSON.stringify(n.op)} ${n.shape.join('x')}`,
    ]),
  );

describe('pruned candidates', () => {
  it('the pruned genotype builds exactly the graph the trainer shrank, on random genotypes', () => {
    const rng = new SerialisableRng(11);
    let pruned = 0;
    for (const space of [config.space, { ...SPACES.cifar!, pruning: config.space.pruning! }, SPACES.same!]) {
      for (let i = 0; i < 60; i++) {
        const g = sampleGenotype(space, rng);
        const graph = genotypeToGraph(g).graph;
        const channels: Record<string, number> = {};
        for (const id of structuredPrunable(graph)) {
          const n = graph.nodes[id]!;
          const c = n.op.kind === 'conv2d' ? n.op.filters : n.op.kind === 'dense' ? n.op.units : 0;
          channels[n.name] = 1 + rng.int(c);
        }
        pruned += Object.keys(channels).length;
        const small = genotypeToGraph(prunedGenotype(g, channels)).graph;
        // Node for node by name (the weights are matched by name); only the order in which a
        // chain of adds sums its terms may differ, as it follows the (pruned) sizes.
        expect(layersByName(small)).toEqual(layersByName(graphWithChannels(graph, channels)));
      }
    }
    expect(pruned).toBeGreaterThan(100);
  });

  it('refuses channels of a layer that is not a prunable gene', () => {
    const g = sampleGenotype(config.space, new SerialisableRng(2));
    expect(() => prunedGenotype(g, { dense_9: 3 })).toThrow(/not a prunable gene/);
  });

  it('structured: the record is the smaller network, priced by the resource models', () => {
    const g = { ...sampleGenotype(config.space, new SerialisableRng(4)), sparsity: 0.5 };
    const graph = genotypeToGraph(g).graph;
    const dense = resourcesOf(estimateOn(graph, config.target));
    const name = graph.nodes.find((n) => n.op.kind === 'dense')!.name;
    const r = prunedRecord(
      g,
      {
        kind: 'structured',
        target: 0.5,
        sparsity: 0.4,
        prunableWeights: 1000,
        zeroedWeights: 400,
        channels: { [name]: 2 },
      },
      config.target,
      'candidate_7',
      dense,
    )!;
    const a = analyze(r.model);
    const back = a.graphs.get(a.document.models[0]!)!;
    expect(r.model).toMatch(/^model candidate_7 \{/);
    expect(back.nodes.find((n) => n.name === name)!.op).toMatchObject({ units: 2 });
    expect(r.resources).toEqual(resourcesOf(estimateOn(back, config.target)));
    expect(r.resources.flash).toBeLessThan(dense.flash);
    expect(r.pruning).toEqual({ kind: 'structured', target: 0.5, sparsity: 0.4 });
  });

  it('unstructured: dense flash is what deploys; the non-zeros are reported beside it', () => {
    const g = sampleGenotype(config.space, new SerialisableRng(5));
    const dense: Resources = resourcesOf(estimateOn(genotypeToGraph(g).graph, config.target));
    const r = prunedRecord(
      g,
      { kind: 'unstructured', target: 0.9, sparsity: 0.9, prunableWeights: 5000, zeroedWeights: 4500 },
      config.target,
      'candidate_3',
      dense,
    )!;
    expect(r.resources).toEqual(dense);
    expect(r.pruning.nonZeroFlash).toBe(dense.flash - 4500);
  });

  it('trains with the gene, and the pre-screen prices the best the gene can reach', () => {
    const g = { ...sampleGenotype(config.space, new SerialisableRng(6)), sparsity: 0.33 };
    expect(pruningSpecFor(config.space, g)).toEqual({
      kind: 'structured',
      sparsity: 0.33,
      start: 1,
      end: 2,
      every: 16,
    });
    const { sparsity: _, ...baseline } = g;
    expect(pruningSpecFor(config.space, baseline)?.sparsity).toBe(0.2);
    expect(pruningSpecFor(SPACES.mnist!, g)).toBeUndefined();
    const graph = genotypeToGraph(g).graph;
    const thin = prescreenGraph(config.space, graph);
    for (const id of structuredPrunable(graph)) {
      const [a, b] = [graph.nodes[id]!.op, thin.nodes[id]!.op];
      const width = (o: typeof a) => (o.kind === 'conv2d' ? o.filters : o.kind === 'dense' ? o.units : 0);
      expect(width(b)).toBe(Math.max(1, Math.ceil(0.4 * width(a) - 1e-9)));
    }
    expect(prescreenGraph(SPACES.mnist!, graph)).toBe(graph);
  });
});
