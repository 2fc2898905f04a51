import type { ArchGraph, Origin, Shape } from './graph.js';
import { GraphBuilder, type BuildError } from './builder.js';
import type { Layer } from './layers.js';

export interface LayersGraph {
  readonly graph: ArchGraph;
  readonly errors: readonly BuildError[];
}

/**
 * Lowers a model's layer list to a graph. `add` / `concat` run their paths from the same input;
 * before an add, larger maps are max-pooled down to the smallest spatial size as μNAS ties up
 * branches (kernel H − (Ht − 1)·s with stride s = ⌊H / Ht⌋, which lands exactly on Ht).
 */
export function graphFromLayers(input: Shape, layers: readonly Layer[]): LayersGraph {
  const b = new GraphBuilder(input);
  addLayers(b, layers, b.last);
  return { graph: b.build(), errors: b.errors };
}

/** Appends `layers` reading `from`; returns the id of the last node, or undefined after an error. */
function addLayers(b: GraphBuilder, layers: readonly Layer[], from: number): number | undefined {
  let cur: number | undefined = from;
  for (const l of layers) {
    if (cur === undefined) return undefined;
    const origin = originOf(l.span);
    if (l.kind === 'invalid') return undefined;
    if (l.kind === 'op') {
      // Dropout is identity at inference but kept in the graph for the trainer.
      cur = b.add(l.op, [cur], origin);
      continue;
    }
    const outs: number[] = [];
    for (const p of l.paths) {
      const o = addLayers(b, p, cur);
      if (o === undefined) return undefined;
      outs.push(o);
    }
    if (outs.length < 2) return undefined;
    if (l.mode === 'add') {
      const shapes = outs.map((o) => b.shapeOf(o));
      if (shapes.every((s) => s.length === 3)) {
        const th = Math.min(...shapes.map((s) => s[0]!));
        const tw = Math.min(...shapes.map((s) => s[1]!));
        for (let i = 0; i < outs.length; i++) {
          const [h, w] = shapes[i] as [number, number, number];
          if (h === th && w === tw) continue;
          const sh = Math.floor(h / th);
          const sw = Math.floor(w / tw);
          const pooled = b.add(
            {
              kind: 'pool',
              type: 'max',
              size: [h - (th - 1) * sh, w - (tw - 1) * sw],
              stride: [sh, sw],
              padding: 'valid',
            },
            [outs[i]!],
            origin,
          );
          if (pooled === undefined) return undefined;
          outs[i] = pooled;
        }
      }
    }
    // Identity paths read the merge's own input; a merge of one distinct tensor is the tensor itself.
    if (new Set(outs).size < 2) {
      b.errors.push({ message: `${l.mode} needs at least two different paths`, origin });
      return undefined;
    }
    cur = b.add({ kind: l.mode }, outs, origin);
  }
  return cur;
}

/** A node's origin from its layer's (a fresh object: a span may be part of a larger syntax node). */
function originOf(at: Origin): Origin {
  return {
    ...(at.start !== undefined ? { start: at.start } : {}),
    ...(at.end !== undefined ? { end: at.end } : {}),
    ...(at.label !== undefined ? { label: at.label } : {}),
  };
}
