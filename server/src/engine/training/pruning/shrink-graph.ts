import type { ArchGraph, GraphNode } from '../../arch/graph.js';
import { inferShape } from '../../arch/shapes.js';
import { structuredPrunable } from './prunable.js';

/**
 * Structured pruning made real, graph side (pure: the search process uses it without tfjs). `keep`
 * maps a pruned node (a conv2d or dense whose channels are free, see prunable.ts) to the output
 * channels it keeps; the smaller graph has fewer filters / units and every shape re-inferred with
 * the one shape function.
 */

/** The graph with the pruned nodes' filters / units reduced to the kept count. */
export function shrinkGraph(graph: ArchGraph, keep: ReadonlyMap<number, readonly number[]>): ArchGraph {
  const nodes: GraphNode[] = [];
  for (const n of graph.nodes) {
    const kept = keep.get(n.id);
    let op = n.op;
    if (kept && op.kind === 'conv2d') op = { ...op, filters: kept.length };
    else if (kept && op.kind === 'dense') op = { ...op, units: kept.length };
    const r = inferShape(
      op,
      n.inputs.map((i) => nodes[i]!.shape),
    );
    if (!r.ok) throw new Error(`pruned ${n.name}: ${r.error}`);
    nodes.push({ ...n, op, shape: r.shape });
  }
  return { nodes, output: graph.output };
}

/**
 * For each node, the channels of the *original* output that survive in the smaller network
 * (undefined = all). Channel-wise ops pass their input's through; flatten expands them to the
 * flattened positions (H·W·C order, channels fastest, as Keras flattens).
 */
export function survivingChannels(
  graph: ArchGraph,
  keep: ReadonlyMap<number, readonly number[]>,
): (readonly number[] | undefined)[] {
  const out: (readonly number[] | undefined)[] = [];
  for (const n of graph.nodes) {
    const input = n.inputs.length ? out[n.inputs[0]!] : undefined;
    switch (n.op.kind) {
      case 'conv2d':
      case 'dense':
        out.push(keep.get(n.id));
        break;
      case 'dwconv2d': {
        const m = n.op.multiplier;
        out.push(input?.flatMap((c) => Array.from({ length: m }, (_, j) => c * m + j)));
        break;
      }
      case 'flatten': {
        const [h, w, c] = graph.nodes[n.inputs[0]!]!.shape;
        if (!input || c === undefined) out.push(input);
        else {
          const idx: number[] = [];
          for (let p = 0; p < (h ?? 1) * (w ?? 1); p++) for (const k of input) idx.push(p * c + k);
          out.push(idx);
        }
        break;
      }
      case 'add':
      case 'concat':
      case 'input':
        if (n.inputs.some((i) => out[i])) throw new Error(`${n.name} reads a pruned tensor`);
        out.push(undefined);
        break;
      default:
        out.push(input);
    }
  }
  return out;
}

/**
 * The smallest network structured pruning at `sparsity` could plausibly leave: every prunable
 * layer thinned to ⌈(1 − s)·C⌉ channels. The pre-screen prices this (the best the sparsity gene can
 * reach), so a candidate is not discarded for a size that pruning would have removed.
 */
export function thinnedGraph(graph: ArchGraph, sparsity: number): ArchGraph {
  const keep = new Map<number, number[]>();
  for (const id of structuredPrunable(graph)) {
    const op = graph.nodes[id]!.op;
    const c = op.kind === 'conv2d' ? op.filters : op.kind === 'dense' ? op.units : 0;
    const k = Math.max(1, Math.ceil((1 - sparsity) * c - 1e-9));
    if (k < c)
      keep.set(
        id,
        Array.from({ length: k }, (_, i) => i),
      );
  }
  return keep.size ? shrinkGraph(graph, keep) : graph;
}

/** The graph with the named layers' output channels set to these counts (a trainer's `PruningOutcome.channels`). */
export function graphWithChannels(graph: ArchGraph, channels: Readonly<Record<string, number>>): ArchGraph {
  const keep = new Map<number, number[]>();
  for (const n of graph.nodes) {
    const c = channels[n.name];
    if (c !== undefined)
      keep.set(
        n.id,
        Array.from({ length: c }, (_, i) => i),
      );
  }
  return shrinkGraph(graph, keep);
}
