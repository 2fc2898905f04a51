import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CandidateSummary } from '../../../../protocol/src/run-events.js';
import { findCandidate, foldRunEvents } from '../../../../protocol/src/run-state.js';
import type { ArchGraph } from '../arch/graph.js';
import type { SearchConfig } from '../config/search-config.js';
import { FILES, loadRun } from '../runs/run-store.js';
import { graphOfModelText } from '../search/model-text.js';

/** A problem the user can fix (wrong id, weights not kept, not a run folder); the message says how. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}

export interface RunCandidate {
  readonly runDir: string;
  readonly config: SearchConfig;
  readonly candidate: CandidateSummary;
  readonly graph: ArchGraph;
  readonly weightsDir: string;
  /** Folder relative dataset paths were resolved against (the .unas file's). */
  readonly baseDir: string;
}

/**
 * Finds candidate `id` of a run folder: its latest journal record, the exact graph its model text
 * describes, and its saved weights (`weights/<id>/model.json` + `weights.bin`, kept for Pareto
 * front members only).
 */
export async function findRunCandidate(runDir: string, id: number): Promise<RunCandidate> {
  const run = await loadRun(runDir).catch((e: unknown) => {
    throw new ExportError(e instanceof Error ? e.message : String(e));
  });
  const state = foldRunEvents(run.events);
  const candidate = findCandidate(state, id);
  const front = state.front;
  const frontText = front.length
    ? `the front is ${[...front].sort((a, b) => a - b).join(', ')}`
    : 'the run has no front yet';
  if (!candidate) throw new ExportError(`${runDir}: no candidate ${id} in ${FILES.events} (${frontText})`);
  // Older journals hold the bare layer list; a model block around it makes it parse.
  const graph =
    graphOfModelText(candidate.model) ?? graphOfModelText(`model candidate_${id} {\n${candidate.model}\n}`);
  if (!graph) throw new ExportError(`candidate ${id}: its model text does not parse:\n${candidate.model}`);
  const weightsDir = join(runDir, FILES.weights, String(id));
  if (!existsSync(join(weightsDir, 'model.json')) || !existsSync(join(weightsDir, 'weights.bin'))) {
    const why =
      candidate.status !== 'trained'
        ? `it was not trained (${candidate.status})`
        : front.includes(id)
          ? 'they were not saved'
          : 'weights are kept only for members of the Pareto front';
    throw new ExportError(`candidate ${id} has no saved weights in ${weightsDir}: ${why}; ${frontText}`);
  }
  const baseDir = run.config.source ? dirname(run.config.source) : runDir;
  return { runDir, config: run.config, candidate, graph, weightsDir, baseDir };
}
