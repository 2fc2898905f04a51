import type { FinalPool, SearchSpace } from '../arch/space.js';
import type { Rng } from '../rng/seeded-rng.js';
import { allowedValues, pickWeighted } from './draw.js';
import {
  blockLabel,
  genotypeToGraph,
  graphSignature,
  layerLabel,
  type BlockGene,
  type Genotype,
  type LayerGene,
} from './genotype.js';
import { inSpace } from './in-space.js';
import { gaussian } from '../rng/gaussian.js';
import { sampleBlock, sampleDenseUnits, sampleLayer, sampleLayerOfType } from './sample.js';

/**
 * Morphisms: every legal one-step edit of a parent, as μNAS enumerates them (cnn_morphisms.py),
 * each with a label such as `layer 2.1: filters +3` (blocks and layers counted from 1).
 *
 * - network: remove a random block (if > min), append a random 1-layer block (if < max);
 * - block i ≥ 1: toggle branch; any block: remove it (if at the minimum of layers and > min
 *   blocks), remove a random layer (if > min), insert a random layer at a random position,
 *   the end included (if < max);
 * - layer: toggle batch norm, ReLU, pre-pool; change type to each other allowed type (fresh
 *   kernel / stride / filters / padding, flags kept); filters ±1, ±3, ±5 (conv2d, conv1x1, not on
 *   a branch's last layer, whose filters are forced); kernel to the next smaller / larger allowed
 *   size (±2 in μNAS's 3 | 5 | 7); stride to each other allowed stride (conv2d, dwconv2d);
 * - pooling: on (a random allowed pool) / off, avg ↔ max, size to the next allowed size;
 * - dense: remove a random layer (if > min), append a random one (if < max), units ±1, ±3, ±5.
 *
 * Removing a block that has a branch after it turns that branch into a plain block (μNAS).
 * A child counts only if it is inside the space, shape-valid and builds a different network
 * from its parent's (so an edit hidden by the final-pool clip, say, is never proposed).
 */

export interface Morph {
  readonly label: string;
  readonly child: Genotype;
}

/** An edit before its random parts (which layer, which new block) are drawn. */
export interface MorphEdit {
  /** Generic label, e.g. `block 2: remove a layer`; the realised morph's label is specific. */
  readonly label: string;
  realise(rng: Rng): Morph;
}

const STEPS = [-5, -3, -1, 1, 3, 5] as const;
const signed = (d: number): string => (d > 0 ? `+${d}` : `${d}`);

const withBlocks = (g: Genotype, blocks: readonly BlockGene[]): Genotype => ({ ...g, blocks });
const withBlock = (g: Genotype, b: number, block: BlockGene): Genotype =>
  withBlocks(
    g,
    g.blocks.map((x, i) => (i === b ? block : x)),
  );
const withLayer = (g: Genotype, b: number, l: number, gene: LayerGene): Genotype => {
  const block = g.blocks[b]!;
  return withBlock(g, b, { ...block, layers: block.layers.map((x, i) => (i === l ? gene : x)) });
};

function removeBlock(g: Genotype, b: number): Genotype {
  const next = g.blocks[b + 1];
  const blocks = g.blocks.slice();
  // The first branch after a removed head would lose its group; it becomes a plain block.
  if (!g.blocks[b]!.branch && next?.branch) blocks[b + 1] = { ...next, branch: false };
  blocks.splice(b, 1);
  return withBlocks(g, blocks);
}

/** The neighbours of `v` among the sorted allowed values (the next smaller and the next larger). */
function neighbours(v: number, allowed: readonly number[]): number[] {
  const sorted = [...new Set(allowed)].sort((a, b) => a - b);
  const lower = sorted.filter((x) => x < v).pop();
  const upper = sorted.find((x) => x > v);
  return [lower, upper].filter((x): x is number => x !== undefined);
}

const fixed = (label: string, child: Genotype): MorphEdit => ({ label, realise: () => ({ label, child }) });

/** Every legal one-step edit of `g` (its random parts not yet drawn). */
export function morphEdits(g: Genotype, space: SearchSpace): MorphEdit[] {
  const edits: MorphEdit[] = [];
  const n = g.blocks.length;
  const L = space.layer;

  if (n > space.blocks.min) {
    edits.push({
      label: 'network: remove a block',
      realise: (rng) => {
        const b = rng.int(n);
        return { label: `network: remove ${blockLabel(b)}`, child: removeBlock(g, b) };
      },
    });
  }
  if (n < space.blocks.max) {
    edits.push({
      label: 'network: append a block',
      realise: (rng) => {
        const block = sampleBlock(space, rng, n, 1);
        return {
          label: `network: append ${block.branch ? 'branch ' : ''}${blockLabel(n)}`,
          child: withBlocks(g, [...g.blocks, block]),
        };
      },
    });
  }

  g.blocks.forEach((block, b) => {
    const at = blockLabel(b);
    const count = block.layers.length;
    if (b > 0)
      edits.push(
        fixed(
          `${at}: branch ${block.branch ? 'off' : 'on'}`,
          withBlock(g, b, { ...block, branch: !block.branch }),
        ),
      );
    if (count <= space.layers.min && n > space.blocks.min)
      edits.push(fixed(`${at}: remove`, removeBlock(g, b)));
    if (count > space.layers.min) {
      edits.push({
        label: `${at}: remove a layer`,
        realise: (rng) => {
          const l = rng.int(count);
          return {
            label: `${at}: remove ${layerLabel(b, l)}`,
            child: withBlock(g, b, { ...block, layers: block.layers.filter((_, i) => i !== l) }),
          };
        },
      });
    }
    if (count < space.layers.max) {
      edits.push({
        label: `${at}: insert a layer`,
        realise: (rng) => {
          const l = rng.int(count + 1);
          const gene = sampleLayer(space, rng);
          const layers = [...block.layers.slice(0, l), gene, ...block.layers.slice(l)];
          return {
            label: `${at}: insert ${gene.type} as ${layerLabel(b, l)}`,
            child: withBlock(g, b, { ...block, layers }),
          };
        },
      });
    }

    block.layers.forEach((gene, l) => {
      const here = layerLabel(b, l);
      const set = (label: string, next: LayerGene) =>
        edits.push(fixed(`${here}: ${label}`, withLayer(g, b, l, next)));
      set(`batch norm ${gene.batchnorm ? 'off' : 'on'}`, { ...gene, batchnorm: !gene.batchnorm });
      set(`ReLU ${gene.relu ? 'off' : 'on'}`, { ...gene, relu: !gene.relu });
      set(`pre-pool ${gene.prepool ? 'off' : 'on'}`, { ...gene, prepool: !gene.prepool });
      for (const type of allowedValues(L.types)) {
        if (type === gene.type) continue;
        const label = `${here}: type ${gene.type} → ${type}`;
        edits.push({
          label,
          realise: (rng) => ({ label, child: withLayer(g, b, l, sampleLayerOfType(space, rng, type, gene)) }),
        });
      }
      const forced = block.branch && l === count - 1;
      if (gene.type !== 'dwconv2d' && !forced) {
        for (const d of STEPS) {
          const f = gene.filters + d;
          if (f >= L.channels.min && f <= L.channels.max)
            set(`filters ${signed(d)}`, { ...gene, filters: f });
        }
      }
      if (gene.type !== 'conv1x1') {
        for (const k of neighbours(gene.kernel, allowedValues(L.kernels)))
          set(`kernel ${signed(k - gene.kernel)}`, { ...gene, kernel: k });
        for (const s of allowedValues(L.strides))
          if (s !== gene.stride) set(`stride ${gene.stride} → ${s}`, { ...gene, stride: s });
      }
    });
  });

  const pool = g.pool;
  const weightedPools = space.pool.filter(
    (c): c is { value: FinalPool; weight: number } => c.value !== null && c.weight > 0,
  );
  const pools = weightedPools.map((c) => c.value);
  if (!pool) {
    if (pools.length) {
      edits.push({
        label: 'pool: on',
        realise: (rng) => {
          const p = pickWeighted(rng, weightedPools)!;
          return { label: `pool: on (${p.type} ${p.size})`, child: { ...g, pool: p } };
        },
      });
    }
  } else {
    edits.push(fixed('pool: off', { ...g, pool: null }));
    const other = pool.type === 'avg' ? 'max' : 'avg';
    edits.push(fixed(`pool: ${pool.type} → ${other}`, { ...g, pool: { type: other, size: pool.size } }));
    for (const s of neighbours(
      pool.size,
      pools.filter((p) => p.type === pool.type).map((p) => p.size),
    )) {
      edits.push(fixed(`pool: size ${signed(s - pool.size)}`, { ...g, pool: { type: pool.type, size: s } }));
    }
  }

  if (g.globalPool) {
    // A baseline's global-pool head is outside every space: its children flatten.
    const { globalPool: _, ...flattening } = g;
    edits.push(fixed(`head: ${g.globalPool === 'avg' ? 'gap' : 'gmp'} → flatten`, flattening));
  }

  const dn = g.dense.length;
  if (dn > space.dense.min) {
    edits.push({
      label: 'dense: remove a layer',
      realise: (rng) => {
        const i = rng.int(dn);
        return {
          label: `dense: remove dense ${i + 1}`,
          child: { ...g, dense: g.dense.filter((_, k) => k !== i) },
        };
      },
    });
  }
  if (dn < space.dense.max) {
    edits.push({
      label: 'dense: append a layer',
      realise: (rng) => {
        const u = sampleDenseUnits(space, rng);
        return {
          label: `dense: append dense ${dn + 1} (${u} units)`,
          child: { ...g, dense: [...g.dense, u] },
        };
      },
    });
  }
  g.dense.forEach((units, i) => {
    for (const d of STEPS) {
      const u = units + d;
      if (u >= space.units.min && u <= space.units.max)
        edits.push(
          fixed(`dense ${i + 1}: units ${signed(d)}`, {
            ...g,
            dense: g.dense.map((x, k) => (k === i ? u : x)),
          }),
        );
    }
  });
  const pruning = space.pruning?.sparsity;
  if (pruning && pruning.max > pruning.min) {
    edits.push({
      label: 'sparsity: mutate',
      realise: (rng) => {
        const from = g.sparsity ?? pruning.min;
        const s = Math.min(pruning.max, Math.max(pruning.min, from + 0.05 * gaussian(rng)));
        return { label: `sparsity ${pct(from)} → ${pct(s)}`, child: { ...g, sparsity: s } };
      },
    });
  }
  return edits;
}

const pct = (s: number) => `${(s * 100).toFixed(1)}%`;

/** What makes two genotypes different candidates: the network, and the sparsity it is pruned to. */
export const candidateKey = (g: Genotype) =>
  `${graphSignature(genotypeToGraph(g).graph)}|${g.sparsity ?? ''}`;

/** A legal child: inside the space, shape-valid, and a different network from the parent's. */
function accept(child: Genotype, space: SearchSpace, parentKey: string): boolean {
  if (!inSpace(child, space)) return false;
  const { graph, errors } = genotypeToGraph(child);
  return errors.length === 0 && `${graphSignature(graph)}|${child.sparsity ?? ''}` !== parentKey;
}

/** Every edit realised once and kept if legal (for listing and benchmarks; {@link mutate} is lazier). */
export function legalMorphs(g: Genotype, space: SearchSpace, rng: Rng): Morph[] {
  const sig = candidateKey(g);
  return morphEdits(g, space)
    .map((e) => e.realise(rng))
    .filter((m) => accept(m.child, space, sig));
}

/**
 * One morph drawn uniformly among the legal ones, or undefined when there is none. Edits are
 * visited in a random order (a Fisher–Yates shuffle drawn as it goes) and the first legal one
 * wins: the same distribution as realising all and picking one, without building every child.
 */
export function mutate(g: Genotype, space: SearchSpace, rng: Rng): Morph | undefined {
  const edits = morphEdits(g, space);
  const sig = candidateKey(g);
  for (let i = 0; i < edits.length; i++) {
    const j = i + rng.int(edits.length - i);
    const e = edits[j]!;
    edits[j] = edits[i]!;
    edits[i] = e;
    const m = e.realise(rng);
    if (accept(m.child, space, sig)) return m;
  }
  return undefined;
}
