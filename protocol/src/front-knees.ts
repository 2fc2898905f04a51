import type { CandidateSummary, Metric } from './run-events.js';

/**
 * The trade-off of a front in two objectives (validation error against one resource), and its
 * knee: pure helpers shared by the engine (the final phase may re-train the knees) and the panel
 * (which highlights them).
 */

export type ResourceMetric = Exclude<Metric, 'error'>;

export interface XY {
  readonly x: number;
  readonly y: number;
  readonly id: number;
}

/**
 * The minimisation staircase of `points`: those no other point beats on both x and y, ordered by x
 * (so y falls). O(k log k).
 */
export function staircase(points: readonly XY[]): XY[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y || a.id - b.id);
  const out: XY[] = [];
  let bestY = Infinity;
  for (const p of sorted) {
    if (p.y < bestY) {
      out.push(p);
      bestY = p.y;
    }
  }
  return out;
}

/** Plot coordinates of a candidate for the chosen resource, or none when it has no error. */
export function plotPoint(c: CandidateSummary, axis: ResourceMetric): XY | undefined {
  return c.error === undefined ? undefined : { x: c.resources[axis], y: c.error, id: c.id };
}

/**
 * The knee of a staircase (minimisation, by increasing x): with both axes scaled to [0, 1] over the
 * staircase, the point farthest below the chord joining its two ends — where giving up more of one
 * objective stops buying much of the other. Undefined for fewer than three points.
 */
export function kneeOf(step: readonly XY[]): number | undefined {
  if (step.length < 3) return undefined;
  const xs = step.map((p) => p.x);
  const ys = step.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (x1 === x0 || y1 === y0) return undefined;
  const nx = (x: number) => (x - x0) / (x1 - x0);
  const ny = (y: number) => (y - y0) / (y1 - y0);
  const a = step[0]!;
  const b = step[step.length - 1]!;
  // Distance below the chord from a to b (positive = bulging towards the ideal corner).
  const [ax, ay, bx, by] = [nx(a.x), ny(a.y), nx(b.x), ny(b.y)];
  const len = Math.hypot(bx - ax, by - ay);
  let best: number | undefined;
  let bestD = 0;
  for (const p of step.slice(1, -1)) {
    const d = ((bx - ax) * (ay - ny(p.y)) - (by - ay) * (ax - nx(p.x))) / len;
    if (d > bestD + 1e-12) {
      bestD = d;
      best = p.id;
    }
  }
  return best;
}

/** The knees of the front, one per resource objective of the run (error against that resource). */
export function kneeIds(front: readonly CandidateSummary[], axes: readonly ResourceMetric[]): number[] {
  const knees = new Set<number>();
  for (const axis of axes) {
    const step = staircase(front.flatMap((c) => plotPoint(c, axis) ?? []));
    const k = kneeOf(step);
    if (k !== undefined) knees.add(k);
  }
  return [...knees].sort((a, b) => a - b);
}
