import type { IntRange, SearchSpace, Weighted } from '../arch/space.js';
import type { Genotype } from './genotype.js';
import { blockLabel, layerLabel } from './genotype.js';

/**
 * Whether a genotype is one the space can produce: every count inside its range, every choice one
 * with a positive weight, every flag possible under its probability (a flag with probability 1
 * must be set, 0 must be clear), and the fixed context (input, classes, dropout, pre-pool size)
 * equal to the space's. Morphisms keep only children inside the space.
 */
export function spaceViolations(g: Genotype, space: SearchSpace, limit = Infinity): string[] {
  const out: string[] = [];
  const bad = (m: string) => {
    out.push(m);
    return out.length >= limit;
  };
  const inRange = (v: number, r: IntRange) => Number.isInteger(v) && v >= r.min && v <= r.max;
  const allowed = <T>(v: T, choices: readonly Weighted<T>[]) =>
    choices.some((c) => c.weight > 0 && c.value === v);
  const flag = (v: boolean, p: number) => (v ? p > 0 : p < 1);
  const L = space.layer;

  if (g.input.join('x') !== space.input.join('x')) {
    if (bad(`input ${g.input.join('x')} is not the space's ${space.input.join('x')}`)) return out;
  }
  if (g.classes !== space.classes) {
    if (bad(`${g.classes} classes, the space has ${space.classes}`)) return out;
  }
  if (g.dropout !== space.dropout) {
    if (bad(`dropout ${g.dropout}, the space has ${space.dropout}`)) return out;
  }
  if (g.prepoolSize !== L.prepool.size) {
    if (bad(`pre-pool size ${g.prepoolSize}, the space has ${L.prepool.size}`)) return out;
  }
  if (g.globalPool) {
    if (bad(`global ${g.globalPool} pooling in place of flatten is not in the space`)) return out;
  }
  if (!inRange(g.blocks.length, space.blocks)) {
    if (bad(`${g.blocks.length} blocks, outside ${space.blocks.min}..${space.blocks.max}`)) return out;
  }

  for (let b = 0; b < g.blocks.length; b++) {
    const block = g.blocks[b]!;
    if (block.branch && (b === 0 || !(space.branch > 0))) {
      if (
        bad(
          `${blockLabel(b)} is a branch${b === 0 ? ' but it is the first block' : ' but the space has no branches'}`,
        )
      )
        return out;
    }
    if (!inRange(block.layers.length, space.layers)) {
      if (
        bad(
          `${blockLabel(b)} has ${block.layers.length} layers, outside ${space.layers.min}..${space.layers.max}`,
        )
      )
        return out;
    }
    for (let l = 0; l < block.layers.length; l++) {
      const gene = block.layers[l]!;
      const at = layerLabel(b, l);
      if (!allowed(gene.type, L.types)) {
        if (bad(`${at}: type ${gene.type} is not in the space`)) return out;
      }
      if (gene.type !== 'conv1x1') {
        if (!allowed(gene.kernel, L.kernels)) {
          if (bad(`${at}: kernel ${gene.kernel} is not in the space`)) return out;
        }
        if (!allowed(gene.stride, L.strides)) {
          if (bad(`${at}: stride ${gene.stride} is not in the space`)) return out;
        }
        if (!allowed(gene.padding, L.padding)) {
          if (bad(`${at}: padding ${gene.padding} is not in the space`)) return out;
        }
      }
      if (gene.type !== 'dwconv2d' && !inRange(gene.filters, L.channels)) {
        if (bad(`${at}: ${gene.filters} filters, outside ${L.channels.min}..${L.channels.max}`)) return out;
      }
      if (!flag(gene.prepool, L.prepool.probability)) {
        if (bad(`${at}: pre-pool ${gene.prepool ? 'on' : 'off'} is impossible in the space`)) return out;
      }
      if (!flag(gene.batchnorm, L.batchnorm)) {
        if (bad(`${at}: batch norm ${gene.batchnorm ? 'on' : 'off'} is impossible in the space`)) return out;
      }
      if (!flag(gene.relu, L.relu)) {
        if (bad(`${at}: ReLU ${gene.relu ? 'on' : 'off'} is impossible in the space`)) return out;
      }
    }
  }

  const pool = g.pool;
  const poolOk = space.pool.some(
    (c) =>
      c.weight > 0 &&
      (c.value === null
        ? pool === null
        : pool !== null && c.value.type === pool.type && c.value.size === pool.size),
  );
  // An empty pool list means "no final pooling".
  if (!poolOk && !(pool === null && space.pool.length === 0)) {
    if (bad(`final pool ${pool ? `${pool.type} ${pool.size}` : 'none'} is not in the space`)) return out;
  }

  if (!inRange(g.dense.length, space.dense)) {
    if (bad(`${g.dense.length} hidden dense layers, outside ${space.dense.min}..${space.dense.max}`))
      return out;
  }
  g.dense.forEach((u, i) => {
    if (out.length < limit && !inRange(u, space.units))
      bad(`dense ${i + 1}: ${u} units, outside ${space.units.min}..${space.units.max}`);
  });
  // The sparsity gene: absent without pruning; with pruning it may be absent only on a baseline (trains at the minimum).
  const s = g.sparsity;
  if (s !== undefined && out.length < limit) {
    const r = space.pruning?.sparsity;
    if (!r) bad(`sparsity ${s} but the search does not prune`);
    else if (!(s >= r.min && s <= r.max)) bad(`sparsity ${s} is outside ${r.min}..${r.max}`);
  }
  return out;
}

export function inSpace(g: Genotype, space: SearchSpace): boolean {
  return spaceViolations(g, space, 1).length === 0;
}
