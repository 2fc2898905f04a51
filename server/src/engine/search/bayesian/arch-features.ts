import { elementCount } from '../../arch/graph.js';
import { genotypeToGraph, type Genotype } from '../genotype.js';

/**
 * A fixed-length description of an architecture for the GP's kernel. μNAS used OTMANN, an
 * optimal-transport distance between layer sets; exp(−β·OT) is not positive definite in general,
 * so here the architecture is embedded instead and a squared-exponential kernel is taken on the
 * embedding (positive definite by construction). The embedding keeps what OTMANN compares:
 *
 * - layer types and sizes by position: the conv layers fall in DEPTH_BINS bins by relative depth;
 *   per bin and type, the layer count and the sum of log2 channels (so "a wide 1x1 early" and "a
 *   thin depthwise late" are far apart), plus the mean kernel size and the strided / pooled layers;
 * - topology: blocks, branch blocks (parallel paths), hidden dense layers and their log units,
 *   final pooling;
 * - totals: log parameters, log MACs-free proxies (log of the largest feature map), depth;
 * - the sparsity gene, when pruning.
 */
export const DEPTH_BINS = 4;
const TYPES = ['conv2d', 'conv1x1', 'dwconv2d'] as const;

export function archFeatures(g: Genotype): number[] {
  const layers = g.blocks.flatMap((b, bi) => b.layers.map((l) => ({ l, branch: b.branch, bi })));
  const perBin = Array.from({ length: DEPTH_BINS }, () => TYPES.map(() => ({ count: 0, logWidth: 0 })));
  const bins = Array.from({ length: DEPTH_BINS }, () => ({ kernel: 0, n: 0, strided: 0, prepool: 0 }));
  let channels = g.input[2] ?? 1;
  layers.forEach(({ l }, i) => {
    const bin = Math.min(DEPTH_BINS - 1, Math.floor((i / Math.max(1, layers.length)) * DEPTH_BINS));
    const width = l.type === 'dwconv2d' ? channels : l.filters;
    const cell = perBin[bin]![TYPES.indexOf(l.type)]!;
    cell.count++;
    cell.logWidth += Math.log2(1 + width);
    const b = bins[bin]!;
    b.n++;
    b.kernel += l.type === 'conv1x1' ? 1 : l.kernel;
    if (l.type !== 'conv1x1' && l.stride > 1) b.strided++;
    if (l.prepool) b.prepool++;
    channels = width;
  });
  const { graph } = genotypeToGraph(g);
  let params = 0;
  let largest = 0;
  for (const n of graph.nodes) {
    largest = Math.max(largest, elementCount(n.shape));
    const cin = n.inputs.length ? graph.nodes[n.inputs[0]!]!.shape : [];
    const op = n.op;
    if (op.kind === 'conv2d') params += op.kernel[0] * op.kernel[1] * (cin[2] ?? 0) * op.filters;
    else if (op.kind === 'dwconv2d') params += op.kernel[0] * op.kernel[1] * (cin[2] ?? 0);
    else if (op.kind === 'dense') params += elementCount(cin) * op.units;
  }
  return [
    ...perBin.flatMap((cells) => cells.flatMap((c) => [c.count, c.logWidth])),
    ...bins.flatMap((b) => [b.n ? b.kernel / b.n : 0, b.strided, b.prepool]),
    g.blocks.length,
    g.blocks.filter((b) => b.branch).length,
    layers.length,
    layers.filter(({ l }) => l.batchnorm).length,
    layers.filter(({ l }) => l.relu).length,
    g.dense.length,
    g.dense.reduce((s, u) => s + Math.log2(1 + u), 0),
    g.pool ? (g.pool.type === 'avg' ? 1 : -1) : 0,
    g.pool?.size ?? 0,
    Math.log2(1 + params),
    Math.log2(1 + largest),
    g.sparsity ?? 0,
  ];
}
