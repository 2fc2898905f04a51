import type { Metric, Resources } from '../../../../protocol/src/run-events.js';
import { boundOf, feasible, objectiveValues, type Constraint } from './objectives.js';

/** Pareto front and hypervolume, all objectives minimised. */

type Point = readonly number[];

/** `a` is no worse than `b` everywhere and better somewhere. */
export function dominates(a: Point, b: Point): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) better = true;
  }
  return better;
}

/** Indices of the points no other point dominates (equal points are all kept). */
export function nonDominated(points: readonly Point[]): number[] {
  return points.flatMap((p, i) => (points.some((q, j) => j !== i && dominates(q, p)) ? [] : [i]));
}

// ---- hypervolume ----------------------------------------------------------------------------

/**
 * The volume dominated by `points` and bounded by `reference` (minimisation), exactly, with the
 * WFG algorithm (While, Bradstreet & Barone 2012): the sum over points of their exclusive
 * volume, each computed as the box to the reference minus the hypervolume of the rest "limited"
 * by the point. Two objectives use the sweep. A coordinate at or beyond the reference clips the
 * point away (it dominates nothing inside the box).
 */
export function hypervolume(points: readonly Point[], reference: Point): number {
  const d = reference.length;
  const inside = points.filter((p) => p.length === d && p.every((x, i) => x < reference[i]!));
  return wfg(nonDominatedPoints(inside), reference);
}

function nonDominatedPoints(points: readonly Point[]): Point[] {
  // Also drops exact duplicates, which add no volume.
  const out: Point[] = [];
  for (const p of points) {
    if (out.some((q) => q.every((x, i) => x <= p[i]!))) continue;
    for (let i = out.length - 1; i >= 0; i--) if (dominates(p, out[i]!)) out.splice(i, 1);
    out.push(p);
  }
  return out;
}

function boxVolume(p: Point, ref: Point): number {
  let v = 1;
  for (let i = 0; i < ref.length; i++) v *= ref[i]! - p[i]!;
  return v;
}

function sweep2d(points: readonly Point[], ref: Point): number {
  const sorted = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let volume = 0;
  let ceiling = ref[1]!;
  for (const p of sorted) {
    if (p[1]! >= ceiling) continue;
    volume += (ref[0]! - p[0]!) * (ceiling - p[1]!);
    ceiling = p[1]!;
  }
  return volume;
}

/** `points` are mutually non-dominated and inside the reference box. */
function wfg(points: readonly Point[], ref: Point): number {
  if (points.length === 0) return 0;
  if (points.length === 1) return boxVolume(points[0]!, ref);
  if (ref.length === 1) return ref[0]! - Math.min(...points.map((p) => p[0]!));
  if (ref.length === 2) return sweep2d(points, ref);
  // Worst-first on the last objective keeps the limited sets small (WFG's ordering).
  const sorted = [...points].sort((a, b) => b[b.length - 1]! - a[a.length - 1]!);
  let volume = 0;
  for (let k = 0; k < sorted.length; k++) {
    const p = sorted[k]!;
    const limited: Point[] = [];
    for (let j = k + 1; j < sorted.length; j++) limited.push(sorted[j]!.map((x, i) => Math.max(x, p[i]!)));
    volume += boxVolume(p, ref) - wfg(nonDominatedPoints(limited), ref);
  }
  return volume;
}

// ---- the running front ----------------------------------------------------------------------

export interface FrontEntry {
  readonly id: number;
  /** Objective values, raw (bytes, MACs, …), in the archive's objective order. */
  readonly values: readonly number[];
}

export interface ParetoArchiveSnapshot {
  readonly objectives: readonly Metric[];
  readonly normalisers: readonly (number | null)[];
  readonly front: readonly FrontEntry[];
  readonly evaluated: number;
}

/** Hypervolume reference, in normalised units: twice every normaliser (2× the bounds). */
export const REFERENCE_FACTOR = 2;

/**
 * The Pareto front of the feasible trained candidates, kept up to date as results arrive, and its
 * hypervolume (recomputed exactly when the front changes).
 *
 * Hypervolume is computed on normalised objectives m_i / n_i against the reference point
 * (2, …, 2), i.e. twice each normaliser, so candidates up to twice a soft bound count; points
 * beyond it in any objective add nothing. The normalisers stay fixed for the whole run, so the
 * hypervolume only grows: the metric's bound (tightest hard or soft limit); else 1 for error (a
 * fraction); else the value of the first feasible candidate added (frozen, kept in the snapshot).
 */
export class ParetoArchive {
  private entries: FrontEntry[] = [];
  private norms: (number | undefined)[];
  private count = 0;
  private cached: number | undefined;

  constructor(
    readonly objectives: readonly Metric[],
    private readonly constraints: readonly Constraint[],
  ) {
    this.norms = objectives.map((m) => boundOf(m, constraints) ?? (m === 'error' ? 1 : undefined));
  }

  /** Records a trained candidate; returns true when the front changed. Infeasible candidates are counted only. */
  add(id: number, error: number, resources: Resources): boolean {
    this.count++;
    if (!feasible(resources, error, this.constraints)) return false;
    const values = objectiveValues(this.objectives, error, resources);
    this.norms = this.norms.map((n, i) => n ?? (values[i]! > 0 ? values[i]! : 1));
    if (this.entries.some((e) => dominates(e.values, values))) return false;
    this.entries = [...this.entries.filter((e) => !dominates(values, e.values)), { id, values }];
    this.cached = undefined;
    return true;
  }

  front(): readonly FrontEntry[] {
    return this.entries;
  }
  frontIds(): number[] {
    return this.entries.map((e) => e.id);
  }
  /** Trained candidates seen, feasible or not. */
  get evaluated(): number {
    return this.count;
  }

  normalisers(): readonly number[] {
    return this.norms.map((n) => n ?? 1);
  }
  reference(): readonly number[] {
    return this.objectives.map(() => REFERENCE_FACTOR);
  }

  hypervolume(): number {
    if (this.cached === undefined) {
      const n = this.normalisers();
      this.cached = hypervolume(
        this.entries.map((e) => e.values.map((v, i) => v / n[i]!)),
        this.reference(),
      );
    }
    return this.cached;
  }

  snapshot(): ParetoArchiveSnapshot {
    return {
      objectives: this.objectives,
      normalisers: this.norms.map((n) => n ?? null),
      front: this.entries,
      evaluated: this.count,
    };
  }

  restore(s: ParetoArchiveSnapshot): void {
    if (s.objectives.join() !== this.objectives.join())
      throw new Error(
        `archive snapshot is for objectives ${s.objectives.join(', ')}, not ${this.objectives.join(', ')}`,
      );
    this.norms = s.normalisers.map((n) => n ?? undefined);
    this.entries = s.front.map((e) => ({ id: e.id, values: [...e.values] }));
    this.count = s.evaluated;
    this.cached = undefined;
  }
}
