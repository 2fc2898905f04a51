import type { ArchGraph, Shape } from '../arch/graph.js';
import { blockLabel, layerLabel, lowerGenotype, type Genotype } from './genotype.js';

/**
 * Weight inheritance: which layer of a child starts from which layer of its parent. A morphism is
 * one edit, so parent and child lists (blocks, layers of a block, dense layers) are equal, or one
 * element shorter or longer; aligning them keeps every unchanged layer with its own weights even
 * when an insertion or removal shifts its position. Layers with no counterpart of the same kind
 * keep their fresh initialisation.
 */

/** One weight-bearing layer of the child and the parent layer it inherits from (tfjs layer names). */
export interface InheritPair {
  readonly child: string;
  readonly parent: string;
  /** For a dense layer that reads a flattened map: the map's H×W×C in the child and in the parent. */
  readonly childMap?: Shape;
  readonly parentMap?: Shape;
}

/** Which parent element each child element came from, for lists that differ by one edit at most. */
export function alignLists<T>(
  parent: readonly T[],
  child: readonly T[],
  same: (a: T, b: T) => boolean,
): (number | undefined)[] {
  const without = <U>(xs: readonly U[], i: number) => xs.filter((_, j) => j !== i);
  const equal = (a: readonly T[], b: readonly T[]) =>
    a.length === b.length && a.every((x, i) => same(x, b[i]!));
  if (child.length === parent.length - 1) {
    for (let i = 0; i < parent.length; i++)
      if (equal(without(parent, i), child)) return child.map((_, j) => (j < i ? j : j + 1));
  } else if (child.length === parent.length + 1) {
    for (let i = 0; i < child.length; i++)
      if (equal(parent, without(child, i)))
        return child.map((_, j) => (j < i ? j : j === i ? undefined : j - 1));
  }
  return child.map((_, j) => (j < parent.length ? j : undefined));
}

const json = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Child gene label → parent gene label, for every gene of the child that has a counterpart. */
export function alignGenes(parent: Genotype, child: Genotype): Map<string, string> {
  const map = new Map<string, string>();
  const blocks = alignLists(parent.blocks, child.blocks, json);
  blocks.forEach((pb, b) => {
    if (pb === undefined) return;
    map.set(blockLabel(b), blockLabel(pb));
    const layers = alignLists(parent.blocks[pb]!.layers, child.blocks[b]!.layers, json);
    layers.forEach((pl, l) => {
      if (pl !== undefined) map.set(layerLabel(b, l), layerLabel(pb, pl));
    });
  });
  alignLists(parent.dense, child.dense, (a, b) => a === b).forEach((pi, i) => {
    if (pi !== undefined) map.set(`dense ${i + 1}`, `dense ${pi + 1}`);
  });
  map.set('classifier', 'classifier');
  return map;
}

const WEIGHTED = new Set(['conv2d', 'dwconv2d', 'dense']);

/** The label a node's weights are known by: the appended 1x1 of a branch carries its block's label. */
function geneKey(label: string): string {
  const m = /^(block \d+) 1x1 to/.exec(label);
  return m ? `${m[1]} 1x1` : label;
}

/** The H×W×C a dense layer sees flattened, when a flatten (and maybe a dropout) feeds it. */
function flattenedMap(graph: ArchGraph, id: number): Shape | undefined {
  let n = graph.nodes[graph.nodes[id]!.inputs[0]!];
  while (n && n.op.kind === 'dropout') n = graph.nodes[n.inputs[0]!];
  return n?.op.kind === 'flatten' ? graph.nodes[n.inputs[0]!]?.shape : undefined;
}

/** The inheritance plan of a child made from `parent` by one morphism. */
export function inheritancePairs(parent: Genotype, child: Genotype): InheritPair[] {
  const p = lowerGenotype(parent);
  const c = lowerGenotype(child);
  const genes = alignGenes(parent, child);
  const parentByKey = new Map<string, number>();
  p.graph.nodes.forEach((n, id) => {
    const label = p.labels[id];
    if (label && WEIGHTED.has(n.op.kind)) parentByKey.set(geneKey(label), id);
  });
  const pairs: InheritPair[] = [];
  c.graph.nodes.forEach((n, id) => {
    const label = c.labels[id];
    if (!label || !WEIGHTED.has(n.op.kind)) return;
    const key = geneKey(label);
    const [head, tail] = key.endsWith(' 1x1') ? [key.slice(0, -4), ' 1x1'] : [key, ''];
    const from = genes.get(head);
    const pid = from === undefined ? undefined : parentByKey.get(`${from}${tail}`);
    const pn = pid === undefined ? undefined : p.graph.nodes[pid];
    if (!pn || pn.op.kind !== n.op.kind) return;
    const childMap = n.op.kind === 'dense' ? flattenedMap(c.graph, id) : undefined;
    const parentMap = n.op.kind === 'dense' ? flattenedMap(p.graph, pid!) : undefined;
    // A dense layer that now reads a map where it read units (or the reverse) learns afresh.
    if (Boolean(childMap) !== Boolean(parentMap)) return;
    pairs.push({
      child: n.name,
      parent: pn.name,
      ...(childMap && parentMap ? { childMap, parentMap } : {}),
    });
  });
  return pairs;
}
