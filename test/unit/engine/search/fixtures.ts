import type { Resources } from '../../../../protocol/src/run-events.js';
import { elementCount, type ArchGraph } from '../../../../server/src/engine/arch/graph.js';
import type { SearchSpace } from '../../../../server/src/engine/arch/space.js';
import { nodeMacs } from '../../../../server/src/engine/resources/macs.js';
import { genotypeToGraph, type Genotype } from '../../../../server/src/engine/search/genotype.js';
import { MUNAS_SPACE } from '../../../../server/src/engine/config/resolve-search.js';
import type {
  EvaluationResult,
  Proposal,
  SearchStrategy,
} from '../../../../server/src/engine/search/strategy.js';

/** μNAS's CNN space (the defaults of `space { }`) for a dataset, with whole fields overridden. */
export const paperSpace = (
  input: readonly number[],
  classes: number,
  overrides: Partial<SearchSpace> = {},
): SearchSpace => ({ ...MUNAS_SPACE, input, classes, ...overrides });

const even = <T>(values: readonly T[]) => values.map((value) => ({ value, weight: 1 / values.length }));

/** The spaces the property tests run over: the paper's, and variations that stress the edges. */
export const SPACES: Readonly<Record<string, SearchSpace>> = {
  mnist: paperSpace([28, 28, 1], 10),
  cifar: paperSpace([32, 32, 3], 10),
  kws: paperSpace([49, 10, 1], 12, { dropout: 0.1 }),
  tiny: paperSpace([8, 8, 1], 10, { blocks: { min: 1, max: 6 } }),
  same: paperSpace([16, 16, 3], 4, {
    layer: {
      ...paperSpace([16, 16, 3], 4).layer,
      padding: even(['valid', 'same'] as const),
      strides: even([1, 2, 3]),
      kernels: even([1, 3, 5]),
    },
  }),
  plain: paperSpace([28, 28, 1], 10, {
    branch: 0,
    dense: { min: 0, max: 0 },
    pool: [{ value: null, weight: 1 }],
  }),
  fixed: paperSpace([20, 20, 2], 2, {
    blocks: { min: 3, max: 3 },
    layers: { min: 2, max: 2 },
    layer: {
      ...paperSpace([20, 20, 2], 2).layer,
      types: even(['conv2d', 'dwconv2d'] as const),
      channels: { min: 4, max: 8 },
      batchnorm: 1,
      relu: 1,
      prepool: { probability: 0, size: 2 },
    },
    pool: [
      { value: { type: 'max', size: 2 }, weight: 0.5 },
      { value: { type: 'avg', size: 4 }, weight: 0.5 },
    ],
    dense: { min: 0, max: 2 },
    units: { min: 4, max: 9 },
    dropout: 0.25,
  }),
};

/** A cheap stand-in for the resource models: params as flash, MACs, the largest op's inputs + output as RAM. */
export function stubProfiler(graph: ArchGraph): Resources {
  let macs = 0;
  let flash = 0;
  let ram = 0;
  for (const n of graph.nodes) {
    macs += nodeMacs(graph, n.id);
    const op = n.op;
    const cin = n.inputs.length ? graph.nodes[n.inputs[0]!]!.shape : [];
    if (op.kind === 'conv2d') flash += op.kernel[0] * op.kernel[1] * (cin[2] ?? 0) * op.filters + op.filters;
    else if (op.kind === 'dwconv2d') flash += op.kernel[0] * op.kernel[1] * (cin[2] ?? 0) + (cin[2] ?? 0);
    else if (op.kind === 'dense') flash += elementCount(cin) * op.units + op.units;
    if (n.id > 0)
      ram = Math.max(
        ram,
        elementCount(n.shape) + n.inputs.reduce((s, i) => s + elementCount(graph.nodes[i]!.shape), 0),
      );
  }
  return { ram, arena: ram, flash, macs, latency: macs / 1e5 };
}

/** FNV-1a of a string, in [0, 1). */
export function hash01(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 4294967296;
}

/** A deterministic "training": bigger networks get lower error, plus a fixed per-genotype jitter. */
export function stubEvaluate(g: Genotype): EvaluationResult {
  const resources = stubProfiler(genotypeToGraph(g).graph);
  const error = Math.min(
    1,
    Math.max(0, 0.9 / (1 + Math.log1p(resources.flash) / 3) + 0.05 * hash01(JSON.stringify(g))),
  );
  return { status: 'trained', error, resources };
}

/** A compact, comparable record of a proposal. */
export const describe = (p: Proposal): string =>
  `${p.id}<${p.parent ?? '-'}:${p.origin}:${p.feasible}:${hash01(JSON.stringify(p.genotype)).toFixed(12)}`;

/**
 * Drives a strategy like `workers` parallel workers would: keeps `workers` asks outstanding and
 * tells them back in a fixed scrambled order (not ask order), `steps` times; `from` continues a
 * driven run (the order depends on the step number).
 */
export function drive(
  s: SearchStrategy,
  steps: number,
  workers: number,
  log: string[],
  from = 0,
  evaluate = stubEvaluate,
): void {
  for (let i = from; i < from + steps; i++) {
    while (s.outstanding().length < workers) log.push(describe(s.ask()));
    const out = s.outstanding();
    const p = out[(i * 7) % out.length]!;
    s.tell(
      p.id,
      p.feasible
        ? i % 11 === 5
          ? { status: 'failed', reason: 'stub' }
          : evaluate(p.genotype)
        : { status: 'rejected' },
    );
  }
}
