import type { ArchGraph, GraphNode } from '../../arch/graph.js';

/**
 * Which layers each kind of pruning may touch, read off the graph.
 *
 * Unstructured: the kernel of every conv2d, dwconv2d and dense except the classifier's (μNAS).
 * Structured (whole output channels): conv2d and hidden dense layers only — not depthwise kernels
 * (their channels are their input's), not the layer fed by the network input (μNAS), and not a
 * layer whose channels reach an add, a concat, an unfused batch norm or the network output through
 * channel-preserving ops: there a removed channel would have to be removed from another path too
 * (or is a class). What is left can be removed outright, so the smaller network is exact.
 */

/** Ops that keep their input's channels one for one (a pruned channel stays a zero channel). */
const CHANNEL_WISE = new Set(['dwconv2d', 'pool', 'global-pool', 'flatten', 'dropout', 'activation']);
const HAS_WEIGHTS = new Set(['conv2d', 'dwconv2d', 'dense']);

function consumers(graph: ArchGraph): number[][] {
  const out: number[][] = graph.nodes.map(() => []);
  for (const n of graph.nodes) for (const i of n.inputs) out[i]!.push(n.id);
  return out;
}

/** Ops that do not make a layer "the first one": a pre-pool, dropout or a bare activation in front of it. */
const TRANSPARENT = new Set(['pool', 'dropout', 'activation']);

/** Whether `node` reads the network input (directly, or through pooling / dropout / an activation). */
function fedByInput(graph: ArchGraph, node: GraphNode): boolean {
  let cur = graph.nodes[node.inputs[0]!];
  while (cur && cur.op.kind !== 'input') {
    if (!TRANSPARENT.has(cur.op.kind) || cur.inputs.length !== 1) return false;
    cur = graph.nodes[cur.inputs[0]!];
  }
  return cur?.op.kind === 'input';
}

/** Whether every path from `id` ends in a conv2d or dense before anything that fixes its channels. */
function channelsFree(graph: ArchGraph, id: number, users: readonly number[][]): boolean {
  const stack = [id];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === graph.output) return false;
    for (const u of users[n]!) {
      const kind = graph.nodes[u]!.op.kind;
      if (kind === 'conv2d' || kind === 'dense') continue;
      if (!CHANNEL_WISE.has(kind)) return false;
      stack.push(u);
    }
  }
  return true;
}

/** Node ids whose output channels structured pruning may remove, in graph order. */
export function structuredPrunable(graph: ArchGraph): number[] {
  const users = consumers(graph);
  return graph.nodes
    .filter(
      (n) =>
        (n.op.kind === 'conv2d' || n.op.kind === 'dense') &&
        !fedByInput(graph, n) &&
        channelsFree(graph, n.id, users),
    )
    .map((n) => n.id);
}

/** Node ids whose kernels unstructured pruning thins: every weighted layer but the classifier (the last dense). */
export function unstructuredPrunable(graph: ArchGraph): number[] {
  const weighted = graph.nodes.filter((n) => HAS_WEIGHTS.has(n.op.kind));
  const denses = weighted.filter((n) => n.op.kind === 'dense');
  const classifier = denses[denses.length - 1]?.id;
  return weighted.filter((n) => n.id !== classifier).map((n) => n.id);
}
