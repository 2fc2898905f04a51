import type { Op, Shape } from '../arch/graph.js';
import { graphFromLayers } from '../arch/from-layers.js';
import type { FinalPool } from '../arch/space.js';
import type { Layer } from '../arch/layers.js';
import {
  genotypeToGraph,
  graphSignature,
  type BlockGene,
  type Genotype,
  type LayerGene,
} from './genotype.js';

export type FromModel =
  { readonly ok: true; readonly genotype: Genotype } | { readonly ok: false; readonly reason: string };

type Decls = readonly Layer[];

/**
 * A concrete model (a baseline) as a genotype, when it is a network of the μNAS family:
 * conv layers (each optionally after a `maxpool P`), `add` groups whose paths are conv layers,
 * an optional final pool, flatten (or `gap` / `gmp`), hidden `[dropout R] dense U relu` layers,
 * `dense CLASSES`, softmax. Consecutive plain layers are packed into blocks of `maxLayers` (the graph is the same
 * however a chain is cut). The answer is checked, not trusted: the genotype must build the very
 * graph the model builds (same ops, wiring and shapes), otherwise the model is reported as not
 * representable — a branch whose channels differ from its head's, `same` pooling, ….
 */
export function genotypeFromLayers(
  input: Shape,
  layers: Decls,
  options: { readonly maxLayers?: number; readonly prepoolSize?: number } = {},
): FromModel {
  const fail = (reason: string): FromModel => ({ ok: false, reason });
  if (input.length !== 3) return fail('the input is not a feature map (H×W×C)');
  const target = graphFromLayers(input, layers);
  if (target.errors.length) return fail(`the model has shape errors: ${target.errors[0]!.message}`);
  const maxLayers = Math.max(1, options.maxLayers ?? 3);
  let prepoolSize: number | undefined;

  /** Conv layers of a path (each optionally pre-pooled); undefined when something else is in it. */
  const convLayers = (decls: Decls): LayerGene[] | string => {
    const out: LayerGene[] = [];
    for (let i = 0; i < decls.length; i++) {
      const d = decls[i]!;
      if (d.kind !== 'op')
        return `${d.kind === 'merge' ? `a nested ${d.mode}` : 'an invalid layer'} inside a branch`;
      let prepool = false;
      let op = d.op;
      const next = decls[i + 1];
      if (
        op.kind === 'pool' &&
        next?.kind === 'op' &&
        (next.op.kind === 'conv2d' || next.op.kind === 'dwconv2d')
      ) {
        const size = prePoolSize(op);
        if (size === undefined)
          return `${op.type}pool ${op.size.join('x')} before a conv is not a μNAS pre-pool (max, square, stride = size, valid)`;
        if (prepoolSize !== undefined && size !== prepoolSize)
          return `pre-pools of sizes ${prepoolSize} and ${size}`;
        prepoolSize = size;
        prepool = true;
        op = next.op;
        i++;
      }
      const gene = layerGene(op, prepool);
      if (typeof gene === 'string') return gene;
      out.push(gene);
    }
    return out;
  };

  const blocks: BlockGene[] = [];
  let i = 0;
  let chain: LayerGene[] = [];
  const flush = () => {
    for (let k = 0; k < chain.length; k += maxLayers)
      blocks.push({ branch: false, layers: chain.slice(k, k + maxLayers) });
    chain = [];
  };
  for (; i < layers.length; i++) {
    const d = layers[i]!;
    if (d.kind === 'invalid') return fail('the model has a layer that did not parse');
    if (d.kind === 'merge') {
      if (d.mode !== 'add') return fail('concat is not in the μNAS space');
      flush();
      const paths = d.paths.map(convLayers);
      const bad = paths.find((p): p is string => typeof p === 'string');
      if (bad) return fail(bad);
      if (paths.some((p) => (p as LayerGene[]).length === 0))
        return fail('an identity path (skip connection) is not in the μNAS space');
      (paths as LayerGene[][]).forEach((p, k) =>
        blocks.push({ branch: k > 0, layers: dropAppended1x1(p, k > 0) }),
      );
      continue;
    }
    const op = d.op;
    const next = layers[i + 1];
    const isConv = op.kind === 'conv2d' || op.kind === 'dwconv2d';
    const prepooled =
      op.kind === 'pool' && next?.kind === 'op' && (next.op.kind === 'conv2d' || next.op.kind === 'dwconv2d');
    if (!isConv && !prepooled) break;
    const genes = convLayers(prepooled ? [d, next] : [d]);
    if (typeof genes === 'string') return fail(genes);
    chain.push(...genes);
    if (prepooled) i++;
  }
  flush();
  if (!blocks.length) return fail('the model has no conv layers before its head');

  let pool: FinalPool | null = null;
  const at = () => layers[i];
  const opAt = (): Op | undefined => {
    const d = at();
    return d?.kind === 'op' ? d.op : undefined;
  };
  const first = opAt();
  if (first?.kind === 'pool') {
    const size = squarePool(first);
    if (size === undefined)
      return fail(
        `${first.type}pool ${first.size.join('x')} is not a μNAS final pool (square, stride = size, valid)`,
      );
    pool = { type: first.type, size };
    i++;
  }
  const head = opAt();
  if (head?.kind !== 'flatten' && head?.kind !== 'global-pool')
    return fail(
      `expected flatten or global pooling after the conv layers${head ? `, found ${head.kind}` : ''}`,
    );
  const globalPool = head.kind === 'global-pool' ? head.type : undefined;
  i++;

  const dense: number[] = [];
  let dropout: number | undefined;
  for (;;) {
    let op = opAt();
    let rate = 0;
    if (op?.kind === 'dropout') {
      rate = op.rate;
      i++;
      op = opAt();
    }
    if (op?.kind !== 'dense') return fail(`expected dense layers after ${head.kind}`);
    const isClassifier = layers.slice(i + 1).every((d) => d.kind === 'op' && d.op.kind === 'softmax');
    if (isClassifier) {
      if (rate > 0) return fail('dropout before the classifier is not in the μNAS space');
      if (op.activation !== 'none' || op.batchnorm)
        return fail('the classifier must be a plain dense layer before softmax');
      if (i + 1 >= layers.length) return fail('the model must end with softmax');
      const genotype: Genotype = {
        input,
        classes: op.units,
        blocks,
        pool,
        ...(globalPool ? { globalPool } : {}),
        dense,
        dropout: dropout ?? 0,
        prepoolSize: prepoolSize ?? options.prepoolSize ?? 2,
      };
      return graphSignature(genotypeToGraph(genotype).graph) === graphSignature(target.graph)
        ? { ok: true, genotype }
        : fail(
            "it does not rebuild as the same network: μNAS forces each branch to its head block's channels (a depthwise tail gets a 1x1 conv)",
          );
    }
    if (op.activation !== 'relu' || op.batchnorm)
      return fail(`hidden dense ${op.units} must be \`dense ${op.units} relu\``);
    if (dropout !== undefined && rate !== dropout)
      return fail('hidden dense layers must all have the same dropout');
    dropout = rate;
    dense.push(op.units);
    i++;
  }
}

type PoolOp = Extract<Op, { kind: 'pool' }>;

/** The size of a square pool whose stride is its size (valid padding), as μNAS pools are. */
function squarePool(op: PoolOp): number | undefined {
  const s = op.size[0];
  return op.size[1] === s && op.stride[0] === s && op.stride[1] === s && op.padding === 'valid'
    ? s
    : undefined;
}

function prePoolSize(op: PoolOp): number | undefined {
  return op.type === 'max' ? squarePool(op) : undefined;
}

function layerGene(op: Op, prepool: boolean): LayerGene | string {
  if (op.kind !== 'conv2d' && op.kind !== 'dwconv2d')
    return `${op.kind} among the conv layers is not in the μNAS space`;
  if (op.activation === 'relu6') return 'relu6 is not in the μNAS space';
  const flags = { prepool, batchnorm: op.batchnorm, relu: op.activation === 'relu' };
  if (op.kernel[0] !== op.kernel[1] || op.stride[0] !== op.stride[1])
    return 'non-square kernels or strides are not in the μNAS space';
  if (op.kind === 'dwconv2d') {
    if (op.multiplier !== 1) return 'depthwise multipliers other than 1 are not in the μNAS space';
    return { type: 'dwconv2d', kernel: op.kernel[0], stride: op.stride[0], padding: op.padding, ...flags };
  }
  if (op.kernel[0] === 1 && op.stride[0] === 1 && op.padding === 'valid')
    return { type: 'conv1x1', filters: op.filters, ...flags };
  return {
    type: 'conv2d',
    filters: op.filters,
    kernel: op.kernel[0],
    stride: op.stride[0],
    padding: op.padding,
    ...flags,
  };
}

/** A branch ending in depthwise + plain 1x1 is how a depthwise last layer lowers: the 1x1 is implied. */
function dropAppended1x1(path: readonly LayerGene[], branch: boolean): LayerGene[] {
  const last = path[path.length - 1];
  const before = path[path.length - 2];
  if (
    branch &&
    before?.type === 'dwconv2d' &&
    last?.type === 'conv1x1' &&
    !last.prepool &&
    !last.batchnorm &&
    !last.relu
  )
    return path.slice(0, -1);
  return [...path];
}
