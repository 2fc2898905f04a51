/**
 * The networks the training-speed benchmarks train: the reference μNAS-sized CNN and 20 seeded draws
 * from μNAS's MNIST search space, kept to the size a constrained search actually trains.
 */
import { elementCount, type ArchGraph } from '../server/src/engine/arch/graph.js';
import type { SearchSpace } from '../server/src/engine/arch/space.js';
import { MUNAS_SPACE } from '../server/src/engine/config/resolve-search.js';
import { analyze } from '../server/src/engine/language/analyze.js';
import { nodeMacs } from '../server/src/engine/resources/macs.js';
import { mulberry32 } from '../server/src/engine/rng/seeded-rng.js';
import { genotypeToGraph } from '../server/src/engine/search/genotype.js';
import { sampleGenotype } from '../server/src/engine/search/sample.js';

export interface BenchNetwork {
  readonly name: string;
  readonly graph: ArchGraph;
  readonly macs: number;
}

/** The reference CNN of `training-backends` (≈ 10 k parameters), written in the project's language. */
const REFERENCE = `model reference {
  input 28x28x1
  conv2d 16 k3 same relu
  dwconv2d k3 same relu
  conv1x1 32 relu
  maxpool 2
  conv2d 32 k3 same relu
  gap
  dense 10
  softmax
}`;

/**
 * A search keeps only candidates within its MCU budget (μNAS's MNIST runs: tens of KB, a few M MACs),
 * so draws above this many multiply-accumulates per image are redrawn: they are never trained.
 */
export const MAX_MACS = 4_000_000;

export function referenceNetwork(): BenchNetwork {
  const a = analyze(REFERENCE);
  const model = a.document.models[0];
  const graph = model ? a.graphs.get(model) : undefined;
  if (!graph) throw new Error('the reference network does not build');
  return { name: 'reference', graph, macs: totalMacs(graph) };
}

/** `count` seeded draws from μNAS's space for 28×28×1 inputs and 10 classes, each within {@link MAX_MACS}. */
export function munasNetworks(count = 20, seed = 1): BenchNetwork[] {
  const space: SearchSpace = { ...MUNAS_SPACE, input: [28, 28, 1], classes: 10 };
  const rng = mulberry32(seed);
  const out: BenchNetwork[] = [];
  while (out.length < count) {
    const { graph, errors } = genotypeToGraph(sampleGenotype(space, rng));
    const macs = totalMacs(graph);
    if (errors.length === 0 && macs <= MAX_MACS) out.push({ name: `munas-${out.length + 1}`, graph, macs });
  }
  return out;
}

function totalMacs(graph: ArchGraph): number {
  return graph.nodes.reduce((sum, n) => sum + nodeMacs(graph, n.id), 0);
}

/** Parameters and activations, for the report: which networks were timed. */
export function describe(n: BenchNetwork): { layers: number; macs: number; largestActivation: number } {
  return {
    layers: n.graph.nodes.length,
    macs: n.macs,
    largestActivation: Math.max(...n.graph.nodes.map((node) => elementCount(node.shape))),
  };
}
