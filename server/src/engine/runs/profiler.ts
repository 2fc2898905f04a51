import type { LayerSummary, Resources } from '../../../../protocol/src/run-events.js';
import type { ArchGraph } from '../arch/graph.js';
import type { SearchConfig, TargetConfig } from '../config/search-config.js';
import type { ConventionName } from '../resources/conventions.js';
import { estimate, type Estimate } from '../resources/estimate.js';
import { opText } from '../search/model-text.js';

/**
 * The resource models as the search sees them: the search's convention (deployable `tflm` figures
 * unless it says `convention unas`) on the run's target.
 */
export function estimateOn(
  graph: ArchGraph,
  target: TargetConfig,
  convention: ConventionName = 'tflm',
): Estimate {
  return estimate(graph, {
    convention,
    core: target.core,
    clockHz: target.clockHz,
    ...(target.kernels ? { kernels: target.kernels } : {}),
  });
}

/** The convention a run counts in (runs written before the setting existed used tflm). */
export function conventionOf(config: SearchConfig): ConventionName {
  return config.convention ?? 'tflm';
}

export function resourcesOf(e: Estimate): Resources {
  return {
    ram: e.totals.peakRam,
    arena: e.totals.arena.total,
    flash: e.totals.flash,
    macs: e.totals.macs,
    latency: e.totals.latencyMs ?? 0,
  };
}

/** Per-layer rows for the panel's details view (operators only: aliases and the input are folded away). */
export function layerSummaries(graph: ArchGraph, e: Estimate): LayerSummary[] {
  return e.layers
    .filter((l) => l.aliasOf == null || graph.nodes[l.node]?.op.kind === 'dropout')
    .map((l) => ({
      name: l.name,
      text: opText(graph.nodes[l.node]!.op),
      shape: [...l.shape],
      ram: l.ram ?? 0,
      flash: l.flash,
      macs: l.macs,
    }));
}
