/**
 * Search-core throughput: proposals per second of aging evolution (μNAS settings, stub evaluator and
 * profiler, so only the search's own cost is measured), morphism enumeration, sampling, snapshot /
 * restore and exact hypervolume. Training dominates a real search by orders of magnitude; these
 * numbers show the search never becomes the bottleneck.
 */
import type { Resources } from '../protocol/src/run-events.js';
import { elementCount, type ArchGraph, type Shape } from '../server/src/engine/arch/graph.js';
import type { SearchSpace } from '../server/src/engine/arch/space.js';
import { MUNAS_SPACE } from '../server/src/engine/config/resolve-search.js';
import { AgingEvolution, type AgingEvolutionOptions } from '../server/src/engine/search/aging-evolution.js';
import { genotypeToGraph, type Genotype } from '../server/src/engine/search/genotype.js';
import { legalMorphs, morphEdits, mutate } from '../server/src/engine/search/morphisms.js';
import type { Constraint } from '../server/src/engine/search/objectives.js';
import { hypervolume } from '../server/src/engine/search/pareto.js';
import { sampleGenotype } from '../server/src/engine/search/sample.js';
import { SerialisableRng } from '../server/src/engine/search/serialisable-rng.js';
import type { EvaluationResult, Profiler } from '../server/src/engine/search/strategy.js';
import { summarize, timeIt } from './timing.js';

const paperSpace = (input: Shape, classes: number): SearchSpace => ({ ...MUNAS_SPACE, input, classes });

/** Parameters as flash, Σ output·input elements as MACs (a rough stand-in), the largest op's tensors as RAM. */
const stubProfiler: Profiler = (graph: ArchGraph): Resources => {
  let flash = 0;
  let macs = 0;
  let ram = 0;
  for (const n of graph.nodes) {
    const inputs = n.inputs.reduce((s, i) => s + elementCount(graph.nodes[i]!.shape), 0);
    const op = n.op;
    if (op.kind === 'conv2d' || op.kind === 'dense')
      flash += inputs * (op.kind === 'dense' ? op.units : op.filters);
    macs +=
      op.kind === 'conv2d'
        ? elementCount(n.shape) * op.kernel[0] * op.kernel[1] * (graph.nodes[n.inputs[0]!]!.shape[2] ?? 1)
        : 0;
    if (n.id > 0) ram = Math.max(ram, inputs + elementCount(n.shape));
  }
  return { ram, arena: ram, flash, macs, latency: macs / 1e5 };
};

const stubEvaluate = (g: Genotype): EvaluationResult => {
  const resources = stubProfiler(genotypeToGraph(g).graph);
  return { status: 'trained', error: 0.9 / (1 + Math.log1p(resources.flash) / 3), resources };
};

function proposalsPerSecond(profiler: Profiler | undefined, evaluations: number): Record<string, number> {
  const constraints: Constraint[] = [
    { metric: 'ram', limit: 64 * 1024, mode: 'hard' },
    { metric: 'flash', limit: 64 * 1024, mode: 'hard' },
    { metric: 'macs', limit: 30e6, mode: 'soft' },
  ];
  const options: AgingEvolutionOptions = {
    space: paperSpace([28, 28, 1], 10),
    seed: 1,
    objectives: ['error', 'ram', 'flash', 'macs'],
    constraints,
    population: 100,
    sample: 25,
  };
  const s = new AgingEvolution({ ...options, ...(profiler ? { profiler } : {}) });
  let asking = 0;
  for (let i = 0; i < evaluations; i++) {
    const t0 = performance.now();
    const p = s.ask();
    asking += performance.now() - t0;
    s.tell(p.id, p.feasible ? stubEvaluate(p.genotype) : { status: 'rejected' });
  }
  const t0 = performance.now();
  const json = JSON.stringify(s.snapshot());
  const fresh = new AgingEvolution(options);
  fresh.restore(JSON.parse(json));
  const snapshotMs = performance.now() - t0;
  return {
    proposalsPerSec: Math.round(evaluations / (asking / 1000)),
    screenedOut: s.stats().screenedOut,
    snapshotKiB: Math.round(json.length / 1024),
    snapshotRestoreMs: Math.round(snapshotMs * 10) / 10,
  };
}

export async function benchSearch(): Promise<Record<string, unknown>> {
  const space = paperSpace([28, 28, 1], 10);
  const rng = new SerialisableRng(7);
  const parents = Array.from({ length: 200 }, () => sampleGenotype(space, rng));
  let k = 0;
  const next = () => parents[k++ % parents.length]!;

  const r = new SerialisableRng(3);
  const points = (d: number, n: number) =>
    Array.from({ length: n }, () => {
      const v = Array.from({ length: d }, () => 0.1 + r.next());
      const norm = Math.hypot(...v);
      return v.map((x) => 2 - (x / norm) * 1.5);
    });
  const p4 = points(4, 300);
  const p6 = points(6, 300);

  return {
    agingEvolution: {
      settings: 'μNAS MNIST space, P 100, S 25, 2000 evaluations, stub evaluator',
      withoutProfiler: proposalsPerSecond(undefined, 2000),
      withStubProfiler: proposalsPerSecond(stubProfiler, 2000),
    },
    sampleMs: summarize(timeIt(500, () => sampleGenotype(space, rng))),
    morphEditsMs: summarize(timeIt(1000, () => morphEdits(next(), space))),
    mutateMs: summarize(timeIt(1000, () => mutate(next(), space, rng))),
    legalMorphsMs: summarize(timeIt(200, () => legalMorphs(next(), space, rng))),
    legalMorphsPerParent: Math.round(
      parents.reduce((s, g) => s + legalMorphs(g, space, rng).length, 0) / parents.length,
    ),
    hypervolume4d300Ms: summarize(timeIt(5, () => hypervolume(p4, [2, 2, 2, 2]))),
    hypervolume6d300Ms: summarize(timeIt(3, () => hypervolume(p6, [2, 2, 2, 2, 2, 2]))),
  };
}
