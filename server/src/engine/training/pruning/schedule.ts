/**
 * The cubic sparsity ramp of Zhu & Gupta (2017), used by DPF and μNAS:
 * s_t = s_f + (s_i − s_f)(1 − (e − t0)/(tn − t0))³ for t0 ≤ e ≤ tn, s_i before, s_f after.
 * `e` is training progress in epochs (fractional: epoch + batch / batches).
 */
export function cubicSparsity(e: number, t0: number, tn: number, sf: number, si = 0): number {
  if (e <= t0) return si;
  if (e >= tn || tn <= t0) return sf;
  const r = 1 - (e - t0) / (tn - t0);
  return sf + (si - sf) * r * r * r;
}

/** The window of a spec in progress units, clipped to the training's epochs: [t0, tn]. */
export function pruningWindow(start: number, end: number, epochs: number): { t0: number; tn: number } {
  const tn = Math.min(end, epochs);
  return { t0: Math.min(start - 1, tn), tn };
}
