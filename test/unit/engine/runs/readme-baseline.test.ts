import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSearch } from '../../../../server/src/engine/config/resolve-search.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { boardLookup } from '../../../../server/src/engine/language/board-lookup.js';
import { baselineGenotypes, createStrategy } from '../../../../server/src/engine/runs/search-runner.js';
import { spaceViolations } from '../../../../server/src/engine/search/in-space.js';
import { genotypeToGraph, graphSignature } from '../../../../server/src/engine/search/genotype.js';
import { SerialisableRng } from '../../../../server/src/engine/search/serialisable-rng.js';
import { legalMorphs } from '../../../../server/src/engine/search/morphisms.js';

/** The README's main job (`npm run search` → examples/mnist.unas) and its `baseline lenet_tiny`, which ends in `gap`. */
const file = join(__dirname, '../../../../examples/mnist.unas');
const text = readFileSync(file, 'utf8');

function mnist() {
  const a = analyze(text, { boards: boardLookup() });
  expect(a.diagnostics).toEqual([]);
  const r = resolveSearch(a.document, a.document.searches[0]!, file);
  if (!r.ok) throw new Error(r.errors.join());
  const model = a.document.models.find((m) => m.name.name === 'lenet_tiny')!;
  return { config: r.config, graph: a.graphs.get(model)! };
}

describe("the README's baseline", () => {
  it('is expressed by the genotype, global-pool head included, as the very network the model declares', () => {
    const { config, graph } = mnist();
    const { genotypes, warnings } = baselineGenotypes(config);
    expect(warnings).toEqual([]);
    expect(genotypes).toHaveLength(1);
    expect(genotypes[0]!.globalPool).toBe('avg');
    expect(graphSignature(genotypeToGraph(genotypes[0]!).graph)).toBe(graphSignature(graph));
  });

  it('is the first candidate the main job proposes, within its hard limits', () => {
    const { config, graph } = mnist();
    const strategy = createStrategy(config, baselineGenotypes(config).genotypes);
    const first = strategy.ask();
    expect([first.origin, first.feasible, first.violations]).toEqual(['baseline', true, []]);
    expect(graphSignature(genotypeToGraph(first.genotype).graph)).toBe(graphSignature(graph));
  });

  it('breeds inside the space: its head is outside, so its children flatten', () => {
    const { config } = mnist();
    const g = baselineGenotypes(config).genotypes[0]!;
    expect(spaceViolations(g, config.space)).toEqual([
      'global avg pooling in place of flatten is not in the space',
    ]);
    const { globalPool: _, ...flattening } = g;
    expect(spaceViolations(flattening, config.space)).toEqual([]);
    expect(legalMorphs(g, config.space, new SerialisableRng(1)).map((m) => m.label)).toEqual([
      'head: gap → flatten',
    ]);
  });
});
