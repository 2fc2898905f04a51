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
 * The order in which a chain of two-input adds sums `terms`, chosen to keep the peak RAM low: every
 * term computed after the first one is computed while a partial sum (or the first term) is live, so
 * the term whose own computation needs the most memory goes first. A term's own cost is the largest
 * working set (output + inputs) among the nodes only it depends on; a term that is a shared tensor
 * costs nothing and goes last. Stable: equal costs keep the source's order.
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
  const cost = terms.map((_, k) => {
    let worst = 0;
    for (const id of ancestors[k]!) {
      if (ancestors.some((other, j) => j !== k && other.has(id))) continue;
      let ws = bytes(id);
      for (const i of nodes[id]!.inputs) ws += bytes(i);
      worst = Math.max(worst, ws);
    }
    return worst;
  });
  return terms
    .map((t, k) => ({ t, k }))
    .sort((a, b) => cost[b.k]! - cost[a.k]! || a.k - b.k)
    .map((e) => e.t);
}
