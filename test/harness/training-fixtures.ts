import type { ArchGraph } from '../../server/src/engine/arch/graph.js';
import type { TrainConfig } from '../../server/src/engine/config/search-config.js';
import { analyze } from '../../server/src/engine/language/analyze.js';

/** The graph of the first model in `text`; throws the error diagnostics, if any. */
export function graphOfModel(text: string): ArchGraph {
  const a = analyze(text);
  if (a.diagnostics.some((d) => d.severity === 'error'))
    throw new Error(a.diagnostics.map((d) => d.message).join('; '));
  return a.graphs.get(a.document.models[0]!)!;
}

/**
 * A training config for tests and benchmarks: epochs, batch and learning rate as given; otherwise
 * Adam at a constant rate, momentum 0.9, no weight decay, early stop or label smoothing.
 */
export function trainConfig(
  o: Pick<TrainConfig, 'epochs' | 'batch' | 'lr'> & Partial<TrainConfig>,
): TrainConfig {
  return {
    epochs: o.epochs,
    batch: o.batch,
    optimizer: o.optimizer ?? 'adam',
    lr: o.lr,
    momentum: o.momentum ?? 0.9,
    weightDecay: o.weightDecay ?? 0,
    schedule: o.schedule ?? { kind: 'constant' },
    earlyStop: o.earlyStop ?? 0,
    labelSmoothing: o.labelSmoothing ?? 0,
  };
}
