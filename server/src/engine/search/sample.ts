import type { LayerType, SearchSpace } from '../arch/space.js';
import type { Rng } from '../rng/seeded-rng.js';
import { allowedValues, chance, pickWeighted, uniformInt } from './draw.js';
import { isShapeValid, type BlockGene, type Genotype, type LayerGene } from './genotype.js';

/**
 * Random genotypes from a space, one variable at a time as μNAS draws them: counts uniform over
 * their ranges (both ends included: μNAS never drew the top), choices by their weights (layer
 * types, kernels, strides, padding, final pool), flags by their probabilities (ReLU, pre-pool,
 * batch norm, branch; block 0 never a branch).
 */

/** A layer of the given type; the flags are drawn unless given (a type change keeps them). */
export function sampleLayerOfType(
  space: SearchSpace,
  rng: Rng,
  type: LayerType,
  flags?: Pick<LayerGene, 'prepool' | 'batchnorm' | 'relu'>,
): LayerGene {
  const L = space.layer;
  let gene: LayerGene;
  if (type === 'conv1x1')
    gene = { type, filters: uniformInt(rng, L.channels), prepool: false, batchnorm: false, relu: false };
  else {
    const kernel = pickWeighted(rng, L.kernels) ?? 3;
    const stride = pickWeighted(rng, L.strides) ?? 1;
    const padding = pickWeighted(rng, L.padding) ?? 'valid';
    gene =
      type === 'conv2d'
        ? {
            type,
            filters: uniformInt(rng, L.channels),
            kernel,
            stride,
            padding,
            prepool: false,
            batchnorm: false,
            relu: false,
          }
        : { type, kernel, stride, padding, prepool: false, batchnorm: false, relu: false };
  }
  const f = flags ?? {
    prepool: chance(rng, L.prepool.probability),
    batchnorm: chance(rng, L.batchnorm),
    relu: chance(rng, L.relu),
  };
  return { ...gene, prepool: f.prepool, batchnorm: f.batchnorm, relu: f.relu };
}

export function sampleLayer(space: SearchSpace, rng: Rng): LayerGene {
  return sampleLayerOfType(space, rng, pickWeighted(rng, space.layer.types) ?? 'conv2d');
}

/** Block `index` with `layers` layers (default: uniform over the space's range). */
export function sampleBlock(space: SearchSpace, rng: Rng, index: number, layers?: number): BlockGene {
  const branch = index > 0 && chance(rng, space.branch);
  const n = layers ?? uniformInt(rng, space.layers);
  return { branch, layers: Array.from({ length: n }, () => sampleLayer(space, rng)) };
}

export function sampleDenseUnits(space: SearchSpace, rng: Rng): number {
  return uniformInt(rng, space.units);
}

/** One draw from the space, shape-valid or not. */
export function drawGenotype(space: SearchSpace, rng: Rng): Genotype {
  const nBlocks = uniformInt(rng, space.blocks);
  const blocks = Array.from({ length: nBlocks }, (_, i) => sampleBlock(space, rng, i));
  const pool = space.pool.length ? (pickWeighted(rng, space.pool) ?? null) : null;
  const nDense = uniformInt(rng, space.dense);
  const dense = Array.from({ length: nDense }, () => sampleDenseUnits(space, rng));
  // Drawn last, so spaces without pruning keep their streams of draws.
  const pruning = space.pruning?.sparsity;
  const sparsity = pruning ? pruning.min + rng.next() * (pruning.max - pruning.min) : undefined;
  return {
    input: space.input,
    classes: space.classes,
    blocks,
    pool,
    dense,
    dropout: space.dropout,
    prepoolSize: space.layer.prepool.size,
    ...(sparsity !== undefined ? { sparsity } : {}),
  };
}

export interface SampleOptions {
  /** Draws before falling back to {@link shrinkToFit} (default 200). */
  readonly maxTries?: number;
}

/**
 * A random shape-valid genotype: rejection sampling (so it is uniform over the shape-valid part of
 * the space's distribution), at most `maxTries` draws. When every draw fails (a small input and
 * many stride-2 layers), the last draw is shrunk to fit; if even that cannot build, the space has
 * no usable architecture and this throws with the reason.
 */
export function sampleGenotype(space: SearchSpace, rng: Rng, options: SampleOptions = {}): Genotype {
  const tries = Math.max(1, options.maxTries ?? 200);
  let last: Genotype | undefined;
  for (let i = 0; i < tries; i++) {
    last = drawGenotype(space, rng);
    if (isShapeValid(last)) return last;
  }
  const shrunk = shrinkToFit(last!, space);
  if (shrunk) return shrunk;
  throw new Error(
    `the search space has no shape-valid architecture for input ${space.input.join('x')} (even the smallest spatial choices fail)`,
  );
}

/**
 * The fallback of {@link sampleGenotype}: keep the draw's channel counts, types and flags, but make
 * every spatial choice as gentle as the space allows (smallest stride and kernel, `same` padding
 * if allowed, no pre-pool unless it is mandatory), then drop trailing blocks and extra layers until
 * it builds. Returns undefined when nothing in the space builds.
 */
export function shrinkToFit(g: Genotype, space: SearchSpace): Genotype | undefined {
  const L = space.layer;
  const stride = Math.min(...allowedValues(L.strides), Number.POSITIVE_INFINITY);
  const kernel = Math.min(...allowedValues(L.kernels), Number.POSITIVE_INFINITY);
  const paddings = allowedValues(L.padding);
  const padding = paddings.includes('same') ? 'same' : (paddings[0] ?? 'valid');
  const prepool = L.prepool.probability >= 1;
  const gentle = (gene: LayerGene): LayerGene =>
    gene.type === 'conv1x1'
      ? { ...gene, prepool }
      : {
          ...gene,
          stride: Number.isFinite(stride) ? stride : gene.stride,
          kernel: Number.isFinite(kernel) ? kernel : gene.kernel,
          padding,
          prepool,
        };
  let blocks: BlockGene[] = g.blocks.map((b) => ({ branch: b.branch, layers: b.layers.map(gentle) }));
  const attempt = () => ({ ...g, blocks });
  while (!isShapeValid(attempt()) && blocks.length > space.blocks.min) blocks = blocks.slice(0, -1);
  if (!isShapeValid(attempt()))
    blocks = blocks.map((b) => ({
      branch: b.branch,
      layers: b.layers.slice(0, Math.max(1, space.layers.min)),
    }));
  return isShapeValid(attempt()) ? attempt() : undefined;
}
