import type { ArchGraph } from '../arch/graph.js';
import { analyze } from '../language/analyze.js';

/** A candidate's graph from its model text (the search prints genotypes so that this round-trips exactly). */
export function graphOfModelText(text: string): ArchGraph | undefined {
  const a = analyze(text);
  const m = a.document.models[0];
  return m && !a.diagnostics.some((d) => d.severity === 'error') ? a.graphs.get(m) : undefined;
}
