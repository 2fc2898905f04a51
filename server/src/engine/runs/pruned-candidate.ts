import type { CandidateSummary, LayerSummary, Resources } from '../../../../protocol/src/run-events.js';
import type { ArchGraph } from '../arch/graph.js';
import type { SearchSpace } from '../arch/space.js';
import type { TargetConfig } from '../config/search-config.js';
import { graphFromLayers } from '../arch/from-layers.js';
import { genotypeToGraph, lowerGenotype, type Genotype, type LayerGene } from '../search/genotype.js';
import { genotypeToModelText } from '../search/model-text.js';
import type { PruningOutcome } from '../training/pruning/dpf.js';
import { thinnedGraph } from '../training/pruning/shrink-graph.js';
import type { PruningSpec } from '../training/pruning/spec.js';
import { estimateOn, layerSummaries, resourcesOf } from './profiler.js';
import type { ConventionName } from '../resources/conventions.js';

/**
 * The search side of pruning: what a candidate trains with, what the pre-screen prices, and what
 * its record says afterwards. The strategy keeps the unpruned genotype and its sparsity gene (a
 * child mutates the architecture, not its pruned remains); the record describes what deploys.
 */

/** The DPF settings a candidate trains with: its gene (a baseline without one: the range's minimum). */
export function pruningSpecFor(space: SearchSpace, g: Genotype): PruningSpec | undefined {
  const p = space.pruning;
  if (!p) return undefined;
  return { kind: p.kind, sparsity: g.sparsity ?? p.sparsity.min, start: p.start, end: p.end, every: p.every };
}

/**
 * The graph the pre-screen prices: for structured pruning the best the sparsity gene can reach
 * (every prunable layer thinned by the range's maximum), so nothing is screened out that pruning
 * could have brought under the limits. Unstructured pruning deploys dense: priced as is.
 */
export function prescreenGraph(space: SearchSpace, graph: ArchGraph): ArchGraph {
  const p = space.pruning;
  return p?.kind === 'structured' ? thinnedGraph(graph, p.sparsity.max) : graph;
}

/**
 * The genotype of the smaller network: each pruned conv gene's filters and hidden dense layer's
 * units set to the channels kept (`channels` is keyed by graph node name, as the trainer reports).
 * Nodes are matched to genes by the labels the genotype's layers carry (`layer 2.1`, `dense 1`),
 * not by position: the graph builder orders the paths of an add by memory, not by gene.
 */
export function prunedGenotype(g: Genotype, channels: Readonly<Record<string, number>>): Genotype {
  const labelOf = new Map(
    graphFromLayers(g.input, lowerGenotype(g).layers).graph.nodes.map((n) => [n.name, n.origin?.label]),
  );
  const filters = new Map<string, number>();
  const dense = g.dense.slice();
  for (const [name, kept] of Object.entries(channels)) {
    const label = labelOf.get(name) ?? '';
    const conv = /^layer (\d+)\.(\d+)$/.exec(label);
    const hidden = /^dense (\d+)$/.exec(label);
    if (conv) filters.set(`${Number(conv[1]) - 1}.${Number(conv[2]) - 1}`, kept);
    else if (hidden && Number(hidden[1]) <= dense.length) dense[Number(hidden[1]) - 1] = kept;
    else throw new Error(`pruned layer '${name}' is not a prunable gene of this candidate`);
  }
  const blocks = g.blocks.map((block, b) => ({
    ...block,
    layers: block.layers.map((gene, l): LayerGene => {
      const f = filters.get(`${b}.${l}`);
      return f !== undefined && gene.type !== 'dwconv2d' ? { ...gene, filters: f } : gene;
    }),
  }));
  return { ...g, blocks, dense };
}

export interface PrunedRecord {
  readonly resources: Resources;
  readonly model: string;
  readonly layers: readonly LayerSummary[];
  readonly pruning: NonNullable<CandidateSummary['pruning']>;
}

/**
 * What a pruned candidate's record says. Structured: the smaller network's model text, resources
 * and layers (priced by the same resource models as any model text). Unstructured: the dense
 * figures stay (TFLite Micro runs dense int8 kernels, so that is what deploys), and the non-zero
 * count — μNAS's flash figure, reachable only with a sparse format — is reported beside them.
 */
export function prunedRecord(
  g: Genotype,
  outcome: PruningOutcome,
  target: TargetConfig,
  name: string,
  dense: Resources,
  convention: ConventionName = 'tflm',
): PrunedRecord | undefined {
  const summary = { kind: outcome.kind, target: outcome.target, sparsity: outcome.sparsity };
  if (outcome.kind === 'unstructured') {
    const text = genotypeToModelText(g, name);
    const graph = genotypeToGraph(g).graph;
    return {
      resources: dense,
      model: text,
      layers: layerSummaries(graph, estimateOn(graph, target, convention)),
      pruning: { ...summary, nonZeroFlash: Math.max(0, dense.flash - outcome.zeroedWeights) },
    };
  }
  if (!outcome.channels) return undefined;
  const small = prunedGenotype(g, outcome.channels);
  const { graph, errors } = genotypeToGraph(small);
  if (errors.length) throw new Error(`the pruned network does not build: ${errors.join('; ')}`);
  const est = estimateOn(graph, target, convention);
  return {
    resources: resourcesOf(est),
    model: genotypeToModelText(small, name),
    layers: layerSummaries(graph, est),
    pruning: summary,
  };
}
