/**
 * DPF pruning settings of one training (Lin et al., "Dynamic Model Pruning with Feedback", ICLR
 * 2020, as μNAS uses it). Plain JSON: it crosses the worker boundary inside a TrainJob.
 */
export type PruningKind = 'structured' | 'unstructured';

export interface PruningSpec {
  /** structured: whole output channels by L2 norm; unstructured: single weights by |w|. */
  readonly kind: PruningKind;
  /** Final target sparsity s_f in [0, 1): the fraction of prunable kernel weights that end at zero. */
  readonly sparsity: number;
  /** First epoch of the pruning window (1-based): pruning starts at its beginning. */
  readonly start: number;
  /** Last epoch of the window (1-based): the target reaches s_f at its end. */
  readonly end: number;
  /** Batches between mask updates (μNAS: 16). */
  readonly every: number;
}

/** μNAS's mask-update period. */
export const DEFAULT_MASK_EVERY = 16;

/** Why a spec is unusable, or undefined when it is fine (checked where a job is received). */
export function pruningSpecError(s: PruningSpec): string | undefined {
  if (s.kind !== 'structured' && s.kind !== 'unstructured') return `unknown pruning kind '${String(s.kind)}'`;
  if (!(s.sparsity >= 0 && s.sparsity < 1)) return `pruning sparsity ${s.sparsity} is not in [0, 1)`;
  if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 1 && s.end >= s.start))
    return `pruning window ${s.start}..${s.end} is not a range of epochs`;
  if (!(Number.isInteger(s.every) && s.every >= 1))
    return `mask update period ${s.every} is not a positive integer`;
  return undefined;
}
