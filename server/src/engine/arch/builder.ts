import {
  type Activation,
  type ArchGraph,
  elementCount,
  type GraphNode,
  type Op,
  type Origin,
  type Shape,
} from './graph.js';
import { inferShape } from './shapes.js';

/** A shape error found while building, with the origin of the offending layer. */
export interface BuildError {
  readonly message: string;
  readonly origin?: Origin;
}

/**
 * Builds an {@link ArchGraph} node by node, inferring shapes with the one shape function and fusing
 * batch norm / activations into the conv or dense they follow (as TFLite does). It never throws:
 * a layer whose shape cannot be inferred is recorded in `errors` and skipped, so callers get every
 * error of a model in one pass and a partial graph.
 */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly counts = new Map<string, number>();
  readonly errors: BuildError[] = [];

  constructor(inputShape: Shape, origin?: Origin) {
    this.push({ kind: 'input', shape: inputShape }, [], inputShape, origin);
  }

  get last(): number {
    return this.nodes.length - 1;
  }
  shapeOf(id: number): Shape {
    return this.nodes[id]!.shape;
  }

  /**
   * Adds `op` reading `inputs` (default: the last node); returns its id (for a sum of more than two
   * terms, the last add of its chain), or undefined on a shape error.
   */
  add(op: Op, inputs: readonly number[] = [this.last], origin?: Origin): number | undefined {
    const fused = this.tryFuse(op, inputs, origin);
    if (fused !== undefined) return fused;
    const r = inferShape(
      op,
      inputs.map((i) => this.nodes[i]!.shape),
    );
    if (!r.ok) {
      this.errors.push(origin ? { message: r.error, origin } : { message: r.error });
      return undefined;
    }
    if (op.kind === 'add' && inputs.length > 2) {
      // TFLite's ADD has two inputs (TFLM's kernel reads inputs 0 and 1 and ignores the rest), so
      // every consumer — trainer, resource models, exporter — sees the sum as a chain.
      const terms = sumOrder(this.nodes, inputs);
      let acc = terms[0]!;
      for (let k = 1; k < terms.length; k++) acc = this.push(op, [acc, terms[k]!], r.shape, origin);
      return acc;
    }
    return this.push(op, inputs, r.shape, origin);
  }

  build(): ArchGraph {
    return { nodes: this.nodes.slice(), output: this.nodes.length - 1 };
  }

  private push(op: Op, inputs: readonly number[], shape: Shape, origin?: Origin): number {
    const id = this.nodes.length;
    const base = op.kind === 'pool' ? `${op.type}pool` : op.kind.replace('-', '_');
    const n = this.counts.get(base) ?? 0;
    this.counts.set(base, n + 1);
    this.nodes.push({
      id,
      op,
      inputs: inputs.slice(),
      shape,
      name: `${base}_${n}`,
      ...(origin ? { origin } : {}),
    });
    return id;
  }

  /** Batch norm or an activation right after a conv/dense (and read by nothing else) is folded into it. */
  private tryFuse(op: Op, inputs: readonly number[], origin?: Origin): number | undefined {
    if (op.kind !== 'batchnorm' && op.kind !== 'activation') return undefined;
    const target = inputs[0];
    if (inputs.length !== 1 || target === undefined || target !== this.last) return undefined;
    const prev = this.nodes[target]!;
    const p = prev.op;
    if (p.kind !== 'conv2d' && p.kind !== 'dwconv2d' && p.kind !== 'dense') return undefined;
    if (op.kind === 'batchnorm') {
      // BN folds into the weights only if it comes before the activation.
      if (p.batchnorm || p.activation !== 'none') return undefined;
      this.nodes[target] = {
        ...prev,
        op: { ...p, batchnorm: true },
        ...((prev.origin ?? origin) ? { origin: mergeOrigin(prev.origin, origin) } : {}),
      };
      return target;
    }
    if (p.activation !== 'none') return undefined;
    const activation: Activation = op.fn;
    this.nodes[target] = {
      ...prev,
      op: { ...p, activation },
      ...((prev.origin ?? origin) ? { origin: mergeOrigin(prev.origin, origin) } : {}),
    };
    return target;
  }
}

function mergeOrigin(a: Origin | undefined, b: Origin | undefined): Origin {
  if (!a) return b ?? {};
  if (!b || a.start === undefined || b.end === undefined) return a;
  return { ...a, end: Math.max(a.end ?? b.end, b.end) };
}

/**
 * The order in which a chain of two-input adds sums `terms`, chosen to keep the peak RAM low. Each
 * order is replayed as a schedule — every term's own nodes in turn, each term added to the partial
 * sum as soon as it is done — and the order whose working set peaks lowest wins (up to 6 terms:
 * 720 orders of a few nodes each; beyond, the first order below). Ties keep the order that puts
 * first the term whose own computation needs most memory (its largest output + inputs among the
 * nodes only it depends on), then the source's order. A replay is an upper bound of what the
 * RAM-optimal scheduler reaches with that chain, so this is a heuristic, tested against every order.
 */
export function sumOrder(nodes: readonly GraphNode[], terms: readonly number[]): number[] {
  const ancestors = terms.map((t) => {
    const seen = new Set<number>();
    const stack = [t];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const i of nodes[id]!.inputs) stack.push(i);
    }
    return seen;
  });
  const bytes = (id: number): number => elementCount(nodes[id]!.shape);
  const own = terms.map((_, k) =>
    [...ancestors[k]!]
      .filter((id) => !ancestors.some((other, j) => j !== k && other.has(id)))
      .sort((a, b) => a - b),
  );
  const cost = own.map((ids) => {
    let worst = 0;
    for (const id of ids) {
      let ws = bytes(id);
      for (const i of nodes[id]!.inputs) ws += bytes(i);
      worst = Math.max(worst, ws);
    }
    return worst;
  });
  const first = terms.map((_, k) => k).sort((a, b) => cost[b]! - cost[a]! || a - b);
  if (terms.length > 6) return first.map((k) => terms[k]!);
  let best = first;
  let bestPeak = replayPeak(nodes, terms, own, first);
  for (const order of permutations(first)) {
    const peak = replayPeak(nodes, terms, own, order);
    if (peak < bestPeak) {
      best = order;
      bestPeak = peak;
    }
  }
  return best.map((k) => terms[k]!);
}

/** Peak bytes of the replay of a chain that sums `terms` in `order` (indices into terms). */
function replayPeak(
  nodes: readonly GraphNode[],
  terms: readonly number[],
  own: readonly (readonly number[])[],
  order: readonly number[],
): number {
  const bytes = (id: number): number => elementCount(nodes[id]!.shape);
  // Reads left of each tensor within the replay; the partial sums are keyed -1 - k.
  const reads = new Map<number, number>();
  const read = (id: number): void => void reads.set(id, (reads.get(id) ?? 0) + 1);
  for (const ids of own) for (const id of ids) for (const i of nodes[id]!.inputs) read(i);
  for (const t of terms) read(t);
  const live = new Map<number, number>();
  for (const id of reads.keys()) if (!own.some((ids) => ids.includes(id))) live.set(id, bytes(id));
  let total = 0;
  for (const b of live.values()) total += b;
  let peak = total;
  const run = (out: number, size: number, inputs: readonly number[]): void => {
    live.set(out, size);
    total += size;
    peak = Math.max(peak, total);
    for (const i of inputs) {
      const left = (reads.get(i) ?? 1) - 1;
      reads.set(i, left);
      if (left === 0 && live.has(i)) {
        total -= live.get(i)!;
        live.delete(i);
      }
    }
  };
  let acc: number | undefined;
  order.forEach((k, step) => {
    for (const id of own[k]!) run(id, bytes(id), nodes[id]!.inputs);
    const t = terms[k]!;
    if (acc === undefined) acc = t;
    else {
      reads.set(acc, (reads.get(acc) ?? 0) + (acc < 0 ? 1 : 0));
      const sum = -1 - step;
      run(sum, bytes(t), [acc, t]);
      acc = sum;
    }
  });
  return peak;
}

function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}
