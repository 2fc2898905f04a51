import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Genotype } from '../search/genotype.js';
import { inheritancePairs } from '../search/inheritance.js';
import type { Proposal, SearchStrategy } from '../search/strategy.js';
import type { TrainJob } from '../training/worker-protocol.js';

/** The genotypes of the strategy's population: the candidates a child may still be made from. */
export function populationOf(strategy: SearchStrategy): Map<number, Genotype> {
  return new Map((strategy.snapshot().population ?? []).map((m) => [m.id, m.genotype]));
}

/**
 * A child's job with weight inheritance: when its parent's genotype is known and its weights are
 * on disk, it starts from them and trains `epochs`; otherwise (a random or baseline candidate, a
 * parent without saved weights) the job is unchanged and it trains from scratch.
 */
export function inheritedJob(
  job: TrainJob,
  p: Proposal,
  epochs: number,
  parents: ReadonlyMap<number, Genotype>,
  weightsDir: (id: number) => string,
): TrainJob {
  const parent = p.parent === undefined ? undefined : parents.get(p.parent);
  if (p.parent === undefined || !parent) return job;
  const from = weightsDir(p.parent);
  if (!existsSync(join(from, 'model.json'))) return job;
  const pairs = inheritancePairs(parent, p.genotype);
  if (!pairs.length) return job;
  return {
    ...job,
    train: { ...job.train, epochs: Math.min(epochs, job.train.epochs) },
    inherit: { from, pairs },
  };
}

/**
 * A job that starts from the same network's saved weights (its weights folder `from`): every
 * weight-bearing layer resumes as itself. A promoted rung, and a `warm` final phase, train on.
 */
export function continuedJob(job: TrainJob, from: string): TrainJob {
  const pairs = job.graph.nodes
    .filter((n) => ['conv2d', 'dwconv2d', 'dense', 'batchnorm'].includes(n.op.kind))
    .map((n) => ({ child: n.name, parent: n.name }));
  return { ...job, inherit: { from, pairs } };
}

/**
 * Whose weights must stay on disk besides the front's: candidates in training (their worker may be
 * writing them), and with inheritance the population (any member may become a parent) and the
 * parents of candidates in training (a resumed run re-trains them from the same weights).
 */
export function weightsInUse(
  inflight: Iterable<Proposal>,
  population: Iterable<number> | undefined,
): number[] {
  const keep: number[] = [];
  for (const p of inflight) {
    keep.push(p.id);
    if (population && p.parent !== undefined) keep.push(p.parent);
  }
  if (population) keep.push(...population);
  return keep;
}
