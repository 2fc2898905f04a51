import type { ConstraintSummary, Metric, Resources } from '../../../../protocol/src/run-events.js';
import type { Rng } from '../rng/seeded-rng.js';

/**
 * Objectives, μNAS's random scalarisation and hard limits.
 *
 * Units: every limit is in the units of {@link Resources} — bytes, MACs, **milliseconds** for
 * latency — and a fraction for error. (The language's canonical time unit is the second: convert
 * a latency limit ×1000 when building {@link Constraint}s from a search.)
 */

/** `mode` hard: a candidate over it is infeasible (and never trained when a profiler can tell); soft: a normaliser only. */
export interface Constraint extends ConstraintSummary {
  /** `<` rather than `<=`. */
  readonly strict?: boolean;
}

/** μNAS caps each bound-normalised objective at 10× its bound, so one awful metric cannot drown the others. */
export const FITNESS_CAP = 10;

/** The value of one metric: error from training, the rest from the resources; undefined for error before training. */
export function metricValue(
  metric: Metric,
  error: number | undefined,
  resources: Resources,
): number | undefined {
  return metric === 'error' ? error : resources[metric];
}

/** The objectives vector of a trained candidate, in the order of `objectives`. */
export function objectiveValues(
  objectives: readonly Metric[],
  error: number,
  resources: Resources,
): number[] {
  return objectives.map((m) => metricValue(m, error, resources)!);
}

/** The bound of a metric: its tightest limit, hard or soft (μNAS normalises by its bounds). */
export function boundOf(metric: Metric, constraints: readonly Constraint[]): number | undefined {
  let bound: number | undefined;
  for (const c of constraints)
    if (c.metric === metric && c.limit > 0 && (bound === undefined || c.limit < bound)) bound = c.limit;
  return bound;
}

export function median(values: readonly number[]): number | undefined {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!xs.length) return undefined;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/**
 * One normaliser per objective for the fitness: the metric's bound when it has one; otherwise
 * the median of that objective over `population` (so an unbounded metric weighs like a bound set
 * at "typical for the current population", and the scalarisation stays scale-free); 1 when the
 * population is empty or its median is not positive.
 */
export function resolveNormalisers(
  objectives: readonly Metric[],
  constraints: readonly Constraint[],
  population: readonly (readonly number[])[],
): number[] {
  return objectives.map((m, i) => {
    const bound = boundOf(m, constraints);
    if (bound !== undefined) return bound;
    const med = median(population.map((v) => v[i]!));
    return med !== undefined && med > 0 ? med : 1;
  });
}

/** λ_i ~ U(0, 1], one per objective, drawn fresh for every parent selection (0 is excluded: it would divide by zero). */
export function drawLambdas(count: number, rng: Rng): number[] {
  return Array.from({ length: count }, () => 1 - rng.next());
}

/** μNAS's fitness (higher is better): −max_i( min(m_i / b_i, 10) / λ_i ). */
export function scalarise(
  values: readonly number[],
  normalisers: readonly number[],
  lambdas: readonly number[],
): number {
  let worst = Number.NEGATIVE_INFINITY;
  values.forEach((v, i) => {
    const term = Math.min(v / normalisers[i]!, FITNESS_CAP) / lambdas[i]!;
    if (term > worst) worst = term;
  });
  return -worst;
}

// ---- hard limits ---------------------------------------------------------------------------

const over = (value: number, c: Constraint) => (c.strict ? value >= c.limit : value > c.limit);

/** Hard limits that apply: error limits only once the error is known. */
function hard(constraints: readonly Constraint[], error: number | undefined): Constraint[] {
  return constraints.filter((c) => c.mode === 'hard' && (c.metric !== 'error' || error !== undefined));
}

export function feasible(
  resources: Resources,
  error: number | undefined,
  constraints: readonly Constraint[],
): boolean {
  return withinAllLimits(resources, error, hard(constraints, error));
}

/** Within every limit, soft ones included (an error limit counts once the error is known). */
export function withinAllLimits(
  resources: Resources,
  error: number | undefined,
  constraints: readonly Constraint[],
): boolean {
  return constraints.every((c) => {
    const v = metricValue(c.metric, error, resources);
    return v === undefined || !over(v, c);
  });
}

/** How far past its hard limits a candidate is: max value / limit (≤ 1 when feasible, up to strictness). */
export function excess(
  resources: Resources,
  error: number | undefined,
  constraints: readonly Constraint[],
): number {
  let worst = 0;
  for (const c of hard(constraints, error))
    worst = Math.max(worst, metricValue(c.metric, error, resources)! / c.limit);
  return worst;
}

/** Readable broken hard limits, e.g. `ram 9.1 KB > 8 KB`. */
export function violations(
  resources: Resources,
  error: number | undefined,
  constraints: readonly Constraint[],
): string[] {
  return hard(constraints, error)
    .filter((c) => over(metricValue(c.metric, error, resources)!, c))
    .map(
      (c) =>
        `${c.metric} ${formatMetric(c.metric, metricValue(c.metric, error, resources)!)} ${c.strict ? '≥' : '>'} ${formatMetric(c.metric, c.limit)}`,
    );
}

const trim = (x: number, digits: number) => String(Number(x.toFixed(digits)));

/** A value in the units people read: `9.1 KB` (KB = 1024 B), `2.1 M` MACs, `61 ms`, `4.2%`. */
export function formatMetric(metric: Metric, value: number): string {
  switch (metric) {
    case 'error':
      return `${trim(value * 100, 1)}%`;
    case 'ram':
    case 'arena':
    case 'flash':
      if (value < 1024) return `${trim(value, 0)} B`;
      if (value < 1024 * 1024) return `${trim(value / 1024, 1)} KB`;
      return `${trim(value / (1024 * 1024), 2)} MB`;
    case 'macs':
      if (value < 1e3) return trim(value, 0);
      if (value < 1e6) return `${trim(value / 1e3, 1)} K`;
      if (value < 1e9) return `${trim(value / 1e6, 2)} M`;
      return `${trim(value / 1e9, 2)} G`;
    case 'latency':
      return value < 1
        ? `${trim(value * 1000, 0)} µs`
        : value < 1000
          ? `${trim(value, 1)} ms`
          : `${trim(value / 1000, 2)} s`;
  }
}
