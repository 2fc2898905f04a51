/**
 * Cholesky factorisation and triangular solves for the small dense systems of the Bayesian
 * strategy (at most a few hundred unknowns). No linear-algebra package is installed and tfjs has
 * no Cholesky; these forty lines, in float64 and deterministic, are all the GP needs.
 * Matrices are row-major Float64Arrays of n×n.
 */

/** Lower-triangular L with L·Lᵀ = A (A symmetric positive definite); jitter is added to the diagonal until it factors. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  let jitter = 0;
  const scale = Math.max(1e-12, ...Array.from({ length: n }, (_, i) => Math.abs(a[i * n + i]!)));
  for (let attempt = 0; attempt < 8; attempt++) {
    const l = tryCholesky(a, n, jitter);
    if (l) return l;
    jitter = jitter ? jitter * 10 : scale * 1e-10;
  }
  throw new Error('matrix is not positive definite, even with jitter');
}

function tryCholesky(a: Float64Array, n: number, jitter: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]! + jitter;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 0)) return undefined;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** x with L·x = b (L lower triangular). */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** x with Lᵀ·x = b (L lower triangular). */
export function solveUpperT(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}
