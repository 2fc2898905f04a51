/** Runs `fn` `n` times and returns each duration in ms. */
export function timeIt(n: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}

export function summarize(samples: readonly number[]): {
  median: number;
  p95: number;
  min: number;
  n: number;
} {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { median: r(quantile(s, 0.5)), p95: r(quantile(s, 0.95)), min: r(s[0] ?? NaN), n: s.length };
}
