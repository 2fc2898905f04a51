import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../server/src/engine/language/analyze.js';
import { boardLookup } from '../../../server/src/engine/language/board-lookup.js';
import { LineIndex } from '../../../server/src/engine/language/positions.js';
import { estimate, type Estimate } from '../../../server/src/engine/resources/index.js';
import type { ArchGraph } from '../../../server/src/engine/arch/graph.js';
import { ROOT } from '../../harness/lsp-client.js';

/**
 * The engine's own answers, computed in the test process: the server's figures are checked
 * against them rather than against numbers copied into the tests (the resource models are still
 * being calibrated).
 */

export const EXAMPLES_DIR = join(ROOT, 'examples');
export const EXAMPLES: readonly { name: string; text: string }[] = readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.unas'))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(EXAMPLES_DIR, f), 'utf8') }));

export function example(name: string): string {
  const e = EXAMPLES.find((x) => x.name === name);
  if (!e) throw new Error(`no example ${name}`);
  return e.text;
}

export function analyzed(text: string) {
  return analyze(text, { boards: boardLookup() });
}

export interface EngineEstimate {
  readonly graph: ArchGraph;
  readonly estimate: Estimate;
  readonly line: (node: number) => number;
}

/** The engine's estimate of model `name` of `text` on `board`. */
export function engineEstimate(text: string, name: string, board = 'nucleo-f746zg'): EngineEstimate {
  const a = analyzed(text);
  const model = a.document.models.find((m) => m.name.name === name);
  const graph = model && a.graphs.get(model);
  if (!graph) throw new Error(`no graph for ${name}`);
  const li = new LineIndex(text);
  return {
    graph,
    estimate: estimate(graph, { board }),
    line: (node) => li.position(graph.nodes[node]!.origin!.start!).line + 1,
  };
}
