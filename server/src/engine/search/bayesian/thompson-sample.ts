import type { Rng } from '../../rng/seeded-rng.js';
import { gaussian } from '../../rng/gaussian.js';
import { cholesky, solveLower, solveUpperT } from './cholesky.js';

/**
 * One Thompson sample of a GP posterior, as a function that can be evaluated anywhere: the
 * squared-exponential kernel is approximated by M random Fourier features (Rahimi & Recht 2007),
 * so the GP becomes Bayesian linear regression on φ(x) = √(2/M)·cos(Wx + b) and a posterior draw
 * is one weight vector θ. The inner evolutionary search can then score any number of
 * architectures against the same draw (exact joint Thompson sampling would need a Cholesky per
 * candidate set). Everything is drawn from the strategy's own generator, so it is reproducible.
 */

export interface GpOptions {
  /** Random features (default 128). */
  readonly features?: number;
  /** Observation noise variance relative to the signal variance (default 0.05: training is noisy). */
  readonly noise?: number;
}

/** Per-column mean and standard deviation (1 for constant columns). */
export function standardiser(rows: readonly (readonly number[])[]): (x: readonly number[]) => number[] {
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of rows) r.forEach((v, j) => (mean[j]! += v / rows.length));
  for (const r of rows) r.forEach((v, j) => (sd[j]! += (v - mean[j]!) ** 2 / rows.length));
  const scale = sd.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1));
  return (x) => x.map((v, j) => (v - mean[j]!) / scale[j]!);
}

/**
 * A posterior draw f̃ of the error as a function of the (raw) features, fitted to `xs` → `ys`.
 * Kernel hyperparameters by standard heuristics, not fitted: the signal variance is the sample
 * variance of ys, the length scale the median pairwise distance of the standardised inputs.
 */
export function thompsonSample(
  xs: readonly (readonly number[])[],
  ys: readonly number[],
  rng: Rng,
  options: GpOptions = {},
): (x: readonly number[]) => number {
  const n = xs.length;
  const m = options.features ?? 128;
  const std = standardiser(xs);
  const z = xs.map(std);
  const d = z[0]?.length ?? 0;
  const yMean = ys.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const yVar = Math.max(1e-6, ys.reduce((a, y) => a + (y - yMean) ** 2, 0) / Math.max(1, n));
  const noise = (options.noise ?? 0.05) * yVar;
  const dists: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) dists.push(Math.hypot(...z[i]!.map((v, k) => v - z[j]![k]!)));
  dists.sort((a, b) => a - b);
  const ell = Math.max(1e-3, dists.length ? dists[dists.length >> 1]! : Math.sqrt(d));

  // ω ~ N(0, I/ℓ²), b ~ U(0, 2π): E[φ(x)ᵀφ(x')] = exp(−|x − x'|² / 2ℓ²).
  const w = Array.from({ length: m }, () => Array.from({ length: d }, () => gaussian(rng) / ell));
  const b = Array.from({ length: m }, () => rng.next() * 2 * Math.PI);
  const phi = (x: readonly number[]) =>
    w.map((row, k) => (Math.SQRT2 * Math.cos(row.reduce((s, v, j) => s + v * x[j]!, b[k]!))) / Math.sqrt(m));
  const Phi = z.map(phi);

  // Prior θ ~ N(0, σ_f² I); posterior precision A = ΦᵀΦ/σ_n² + I/σ_f², mean A⁻¹Φᵀ(y − ȳ)/σ_n².
  const a = new Float64Array(m * m);
  const rhs = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const p = Phi[i]!;
    const r = (ys[i]! - yMean) / noise;
    for (let k = 0; k < m; k++) {
      rhs[k]! += p[k]! * r;
      for (let l = 0; l <= k; l++) a[k * m + l]! += (p[k]! * p[l]!) / noise;
    }
  }
  for (let k = 0; k < m; k++) {
    a[k * m + k]! += 1 / yVar;
    for (let l = 0; l < k; l++) a[l * m + k] = a[k * m + l]!;
  }
  const L = cholesky(a, m);
  const mean = solveUpperT(L, m, solveLower(L, m, rhs));
  // θ = mean + L⁻ᵀ·ε has covariance (L·Lᵀ)⁻¹ = A⁻¹.
  const eps = Array.from({ length: m }, () => gaussian(rng));
  const dev = solveUpperT(L, m, eps);
  const theta = mean.map((v, k) => v + dev[k]!);
  return (x) => yMean + phi(std(x)).reduce((s, v, k) => s + v * theta[k]!, 0);
}
