import {
  conv1x1,
  type ArchGraph,
  type GraphNode,
  type Op,
  type Padding,
  type PoolType,
  type Shape,
} from '../arch/graph.js';
import type { FinalPool } from '../arch/space.js';
import { graphFromLayers } from '../arch/from-layers.js';
import type { Layer } from '../arch/layers.js';

/**
 * The μNAS architecture encoding. A genotype is an immutable, plain-JSON record (it goes into the
 * run journal as is) holding the searched choices plus the fixed context they need (input shape,
 * classes, dropout rate, pre-pool size), so a journal record rebuilds its network and its `.unas`
 * model without the space it came from.
 */

interface LayerFlags {
  /** A max pool of `prepoolSize` before the conv. */
  readonly prepool: boolean;
  readonly batchnorm: boolean;
  readonly relu: boolean;
}
export interface Conv2DGene extends LayerFlags {
  readonly type: 'conv2d';
  readonly filters: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: Padding;
}
/** Pointwise: kernel and stride are always 1. */
export interface Conv1x1Gene extends LayerFlags {
  readonly type: 'conv1x1';
  readonly filters: number;
}
/** Depthwise, multiplier 1: keeps its input's channel count. */
export interface DWConvGene extends LayerFlags {
  readonly type: 'dwconv2d';
  readonly kernel: number;
  readonly stride: number;
  readonly padding: Padding;
}
export type LayerGene = Conv2DGene | Conv1x1Gene | DWConvGene;

export interface BlockGene {
  /** Runs parallel to the previous non-branch block (never true for block 0). */
  readonly branch: boolean;
  readonly layers: readonly LayerGene[];
}

export interface Genotype {
  /** H×W×C. */
  readonly input: Shape;
  readonly classes: number;
  readonly blocks: readonly BlockGene[];
  /** Final pooling before flatten, or none. */
  readonly pool: FinalPool | null;
  /**
   * Global pooling (`gap` / `gmp`) in place of flatten: the head of a baseline such as the
   * README's `lenet_tiny`. Spaces never draw it (their children switch to flatten); absent in
   * genotypes journalled before it existed, which therefore flatten.
   */
  readonly globalPool?: PoolType;
  /** Units of the hidden dense layers (ReLU), before the classifier. */
  readonly dense: readonly number[];
  /** Dropout before each hidden dense layer; 0 = none. */
  readonly dropout: number;
  readonly prepoolSize: number;
  /** Pruning searches only: the candidate's target sparsity (μNAS's sparsity gene), in the space's range. */
  readonly sparsity?: number;
}

export interface GenotypeGraph {
  readonly graph: ArchGraph;
  /** Shape errors, located (`layer 3.2: conv2d kernel 5×5 is larger than its 3×3 input`); empty = shape-valid. */
  readonly errors: readonly string[];
}

/** A lowered genotype: its graph, and the layer list it was built from (each layer labelled `layer 2.1`…). */
export interface LoweredGenotype extends GenotypeGraph {
  /** The layer list the graph was built from; `genotypeToModelText` prints exactly this. */
  readonly layers: readonly Layer[];
  /** Per node id, the gene it came from (`layer 2.1`, `dense 1`, `classifier`), if any. */
  readonly labels: readonly (string | undefined)[];
}

/** `layer 2.1`, `block 3`: 1-based, as people count. */
export const layerLabel = (block: number, layer: number): string => `layer ${block + 1}.${layer + 1}`;
export const blockLabel = (block: number): string => `block ${block + 1}`;

/** Channels a gene outputs given its input's. */
function outChannels(gene: LayerGene, input: number): number {
  return gene.type === 'dwconv2d' ? input : gene.filters;
}

function convOp(gene: LayerGene, filters?: number): Op {
  const activation = gene.relu ? 'relu' : 'none';
  switch (gene.type) {
    case 'conv2d':
      return {
        kind: 'conv2d',
        filters: filters ?? gene.filters,
        kernel: [gene.kernel, gene.kernel],
        stride: [gene.stride, gene.stride],
        padding: gene.padding,
        activation,
        batchnorm: gene.batchnorm,
      };
    case 'conv1x1':
      return {
        kind: 'conv2d',
        filters: filters ?? gene.filters,
        kernel: [1, 1],
        stride: [1, 1],
        padding: 'valid',
        activation,
        batchnorm: gene.batchnorm,
      };
    case 'dwconv2d':
      return {
        kind: 'dwconv2d',
        kernel: [gene.kernel, gene.kernel],
        stride: [gene.stride, gene.stride],
        padding: gene.padding,
        multiplier: 1,
        activation,
        batchnorm: gene.batchnorm,
      };
  }
}

/**
 * Lowers a genotype to a model layer list and builds it with `graphFromLayers`, so branches are
 * tied up by the one implementation the language uses (max-pool to the smallest map, then add):
 *
 * - a non-branch block and the branch blocks after it form an `add` whose paths all read the
 *   block's input; each branch's last layer is forced to the head block's output channels
 *   (conv2d / conv1x1: its filters are overridden at build time, the gene keeps its own value;
 *   depthwise: a plain 1x1 conv to that channel count is appended, as μNAS does);
 * - the final pool is clipped to the map: size min(P, H, W), and left out when that is below 2
 *   (a 1×1 pool is the identity). A pool change that the clip hides builds the same graph, and
 *   the morphisms reject it as "no change";
 * - flatten (or the global pool of a baseline's head), then per hidden dense layer an optional
 *   dropout and `dense U relu`, then `dense classes` and softmax.
 *
 * Nodes carry no source origin (they came from no file); errors are located in genotype terms.
 */
export function lowerGenotype(g: Genotype): LoweredGenotype {
  const at = (label: string) => ({ label });
  const op = (o: Op, label: string): Layer => ({ kind: 'op', span: at(label), op: o });

  const layersOf = (b: number, genes: readonly LayerGene[], forceTo?: number): Layer[] => {
    const out: Layer[] = [];
    genes.forEach((gene, l) => {
      const label = layerLabel(b, l);
      const forced =
        forceTo !== undefined && l === genes.length - 1 && gene.type !== 'dwconv2d' ? forceTo : undefined;
      if (gene.prepool)
        out.push(
          op(
            {
              kind: 'pool',
              type: 'max',
              size: [g.prepoolSize, g.prepoolSize],
              stride: [g.prepoolSize, g.prepoolSize],
              padding: 'valid',
            },
            `${label} pre-pool`,
          ),
        );
      out.push(op(convOp(gene, forced), label));
    });
    const last = genes[genes.length - 1];
    if (forceTo !== undefined && last?.type === 'dwconv2d') {
      out.push(op(conv1x1(forceTo), `${blockLabel(b)} 1x1 to ${forceTo} channels`));
    }
    return out;
  };

  const conv: Layer[] = [];
  let channels = g.input[2] ?? 0;
  for (let b = 0; b < g.blocks.length;) {
    const head = g.blocks[b]!;
    const headOut = head.layers.reduce((c, gene) => outChannels(gene, c), channels);
    const paths = [layersOf(b, head.layers)];
    let next = b + 1;
    for (; next < g.blocks.length && g.blocks[next]!.branch; next++)
      paths.push(layersOf(next, g.blocks[next]!.layers, headOut));
    if (paths.length === 1) conv.push(...paths[0]!);
    else conv.push({ kind: 'merge', span: at(`${blockLabel(b)} tie-up`), mode: 'add', paths });
    channels = headOut;
    b = next;
  }

  const tail: Layer[] = [];
  let headBuild: ReturnType<typeof graphFromLayers> | undefined;
  if (g.pool) {
    // The clip needs the tied-up map's size, so the conv part is built first (only when pooling).
    headBuild = graphFromLayers(g.input, conv);
    const shape = headBuild.graph.nodes[headBuild.graph.output]!.shape;
    const size = headBuild.errors.length ? g.pool.size : Math.min(g.pool.size, shape[0] ?? 0, shape[1] ?? 0);
    if (size >= 2)
      tail.push(
        op(
          { kind: 'pool', type: g.pool.type, size: [size, size], stride: [size, size], padding: 'valid' },
          'final pool',
        ),
      );
  }
  tail.push(
    g.globalPool
      ? op({ kind: 'global-pool', type: g.globalPool }, 'global pool')
      : op({ kind: 'flatten' }, 'flatten'),
  );
  g.dense.forEach((units, i) => {
    if (g.dropout > 0) tail.push(op({ kind: 'dropout', rate: g.dropout }, `dense ${i + 1} dropout`));
    tail.push(op({ kind: 'dense', units, activation: 'relu', batchnorm: false }, `dense ${i + 1}`));
  });
  tail.push(op({ kind: 'dense', units: g.classes, activation: 'none', batchnorm: false }, 'classifier'));
  tail.push(op({ kind: 'softmax' }, 'softmax'));

  const layers = [...conv, ...tail];
  // A broken conv part stops the build at its first error: no need to build it twice.
  return finish(headBuild?.errors.length ? headBuild : graphFromLayers(g.input, layers), layers);
}

function finish(built: ReturnType<typeof graphFromLayers>, layers: readonly Layer[]): LoweredGenotype {
  const nodes = built.graph.nodes.map((n): GraphNode => ({
    id: n.id,
    op: n.op,
    inputs: n.inputs,
    shape: n.shape,
    name: n.name,
  }));
  const errors = built.errors.map((e) => {
    const label = e.origin?.label;
    return label ? `${label}: ${e.message}` : e.message;
  });
  const labels = built.graph.nodes.map((n) => n.origin?.label);
  return { graph: { nodes, output: built.graph.output }, errors, layers, labels };
}

/** The network of a genotype, built with the one shape function; `errors` is empty when it is shape-valid. */
export function genotypeToGraph(g: Genotype): GenotypeGraph {
  const { graph, errors } = lowerGenotype(g);
  return { graph, errors };
}

export function isShapeValid(g: Genotype): boolean {
  return lowerGenotype(g).errors.length === 0;
}

/** Equal for graphs of the same network: same ops, wiring and shapes (names, origins and key order aside). */
export function graphSignature(graph: ArchGraph): string {
  return graph.nodes
    .map((n) => `${JSON.stringify(n.op, Object.keys(n.op).sort())}${n.inputs.join(',')}:${n.shape.join('x')}`)
    .join(';');
}
