import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { RunEvent } from '../../../../protocol/src/run-events.js';
import { tensorTooBig } from '../arch/size-limits.js';
import type { SearchSpace } from '../arch/space.js';
import { mulberry32 } from '../rng/seeded-rng.js';
import { sampleGenotype } from '../search/sample.js';

/**
 * A run folder is untrusted input (it may come from a colleague or a repository): its JSON files
 * are checked here, field by field, before anything acts on them. Each check returns the first
 * problem as `field: what is wrong`, so the message names the file (the caller's) and the field.
 */

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isPositive = (x: unknown): x is number => isCount(x) && x > 0;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
/** A search name as the language writes it; it names the run folder, so no separators or control characters. */
const isName = (x: unknown): x is string => isStr(x) && /^[\p{L}_][\p{L}\p{N}_-]{0,99}$/u.test(x);

/** The first problem of a `settings.json` value, or undefined when it is a usable `SearchConfig`. */
export function settingsProblem(x: unknown): string | undefined {
  if (!isObj(x)) return 'not a JSON object';
  if (x.version !== 1) return `version: ${JSON.stringify(x.version) ?? 'missing'} is not supported (1 is)`;
  if (!isName(x.name)) return 'name: not a search name';
  if (x.source !== undefined && !isStr(x.source)) return 'source: not a path';
  const d = x.dataset;
  if (!isObj(d)) return 'dataset: not an object';
  if (!isObj(d.spec) || !isStr(d.spec.kind)) return 'dataset.spec: not a dataset spec';
  for (const [k, v] of Object.entries(d.spec))
    if (/^(path|(train|test)(Images|Labels))$/.test(k) && !isStr(v)) return `dataset.spec.${k}: not a path`;
  if (!Array.isArray(d.input) || d.input.length === 0 || !d.input.every(isPositive))
    return 'dataset.input: not a shape of positive whole numbers';
  const big = tensorTooBig(d.input as number[]);
  if (big) return `dataset.input: ${big}`;
  if (!isPositive(d.classes)) return 'dataset.classes: not a positive whole number';
  if (!isObj(d.augment)) return 'dataset.augment: not an object';
  const t = x.target;
  if (!isObj(t) || !isStr(t.board) || !isStr(t.name) || !isStr(t.core)) return 'target: not a target';
  for (const k of ['clockHz', 'ramBytes', 'flashBytes', 'ramReserve', 'flashReserve'])
    if (!isNum(t[k]) || (t[k] as number) < 0) return `target.${k}: not a non-negative number`;
  if (!Array.isArray(x.constraints)) return 'constraints: not a list';
  for (const [i, c] of x.constraints.entries())
    if (!isObj(c) || !isStr(c.metric) || !isNum(c.limit) || (c.mode !== 'hard' && c.mode !== 'soft'))
      return `constraints[${i}]: not a constraint`;
  if (!Array.isArray(x.objectives) || x.objectives.length === 0 || !x.objectives.every(isStr))
    return 'objectives: not a list of metrics';
  if (!isObj(x.space)) return 'space: not an object';
  // The space is deep and typed; drawing from it is the check that it is one (a damaged one throws).
  try {
    sampleGenotype(x.space as unknown as SearchSpace, mulberry32(1), { maxTries: 3 });
  } catch (e) {
    return `space: not a usable search space (${e instanceof Error ? e.message : String(e)})`;
  }
  const s = x.strategy;
  if (!isObj(s)) return 'strategy: not an object';
  if (!isName(s.kind)) return 'strategy.kind: not a strategy name';
  for (const k of ['population', 'sample', 'rounds', 'workers', 'seed'])
    if (!isCount(s[k])) return `strategy.${k}: not a whole number`;
  const tr = x.train;
  if (!isObj(tr)) return 'train: not an object';
  for (const k of ['epochs', 'batch'])
    if (!isPositive(tr[k])) return `train.${k}: not a positive whole number`;
  for (const k of ['lr', 'momentum', 'weightDecay', 'earlyStop', 'labelSmoothing'])
    if (!isNum(tr[k])) return `train.${k}: not a number`;
  if (s.time !== undefined && !(isNum(s.time) && s.time > 0))
    return 'strategy.time: not a positive number of seconds';
  const h = s.halving;
  if (
    h !== undefined &&
    (!isObj(h) ||
      !isPositive(h.epochs) ||
      !isCount(h.subset) ||
      !(isNum(h.keep) && h.keep > 0 && h.keep < 1) ||
      (h.rungs !== undefined && !(isCount(h.rungs) && h.rungs >= 2 && h.rungs <= 10)))
  )
    return 'strategy.halving: not a halving setting (epochs, subset, keep in (0, 1), rungs 2..10)';
  if (x.convention !== undefined && x.convention !== 'tflm' && x.convention !== 'unas')
    return 'convention: not tflm or unas';
  const f = x.final;
  if (
    f !== undefined &&
    (!isObj(f) ||
      !isCount(f.top) ||
      !isPositive(f.epochs) ||
      (f.knees !== undefined && typeof f.knees !== 'boolean') ||
      (f.warm !== undefined && typeof f.warm !== 'boolean') ||
      (f.distinct !== undefined && typeof f.distinct !== 'boolean') ||
      (f.time !== undefined && !(isNum(f.time) && f.time > 0)))
  )
    return 'final: not a final-phase setting (top, epochs, knees, warm, distinct, time)';
  if (x.inherit !== undefined && (!isObj(x.inherit) || !isPositive(x.inherit.epochs)))
    return 'inherit: not an inheritance setting (epochs)';
  if (!Array.isArray(x.baselines)) return 'baselines: not a list';
  for (const [i, b] of x.baselines.entries())
    if (!isObj(b) || !isStr(b.name) || !isStr(b.text)) return `baselines[${i}]: not a named model text`;
  return undefined;
}

/** The first problem of a `state.json` value (the runner's RunState), or undefined. */
export function stateProblem(x: unknown): string | undefined {
  if (!isObj(x)) return 'not a JSON object';
  if (!isObj(x.strategy)) return 'strategy: not a strategy snapshot';
  if (!Array.isArray(x.told) || !x.told.every(isCount)) return 'told: not a list of candidate ids';
  if (!isCount(x.rejected)) return 'rejected: not a whole number';
  if (!isCount(x.nextId)) return 'nextId: not a candidate id';
  const ledger = x.strategy.ledger;
  if (!isObj(ledger) || !Array.isArray(ledger.outstanding) || !isCount(ledger.nextId))
    return 'strategy.ledger: not a proposal ledger';
  for (const [i, p] of ledger.outstanding.entries())
    // Ids name folders (weights/<id>): anything but a whole number could point outside the run.
    if (!isObj(p) || !isCount(p.id)) return `strategy.ledger.outstanding[${i}].id: not a candidate id`;
  for (const id of x.told) if (id >= ledger.nextId) return `told: candidate ${id} was never proposed`;
  return undefined;
}

/** Ids of the candidates the journal records a result for. */
export function journalledIds(events: readonly RunEvent[]): number[] {
  return events.flatMap((e) => (e.type === 'candidate-finished' ? [e.candidate.id] : []));
}

/**
 * Why resuming from `state` (a value that passed `stateProblem`, or undefined when state.json is
 * missing or unusable) and `events` would re-use a candidate id or lose results silently, or
 * undefined when they agree.
 */
export function resumeProblem(state: unknown, events: readonly RunEvent[]): string | undefined {
  const ids = journalledIds(events);
  if (!state)
    return ids.length
      ? `events.jsonl records ${ids.length} candidate results but the strategy's state is gone: resuming would propose candidate ids again`
      : undefined;
  // `state` passed stateProblem: the ledger's next id is the first id the strategy will propose.
  const { told, strategy } = state as { told: number[]; strategy: { ledger: { nextId: number } } };
  const nextId = strategy.ledger.nextId;
  const newest = ids.reduce((a, b) => Math.max(a, b), -1);
  // A kill between journalling a result and saving the state leaves that one result, the journal's
  // last, ahead of the state: the resumed strategy proposes it again, identically (nothing was told
  // in between), and the runner learns it from the journal instead of training it again.
  const ahead = ids.filter((id) => id >= nextId);
  const lastResultOnly = ahead.length === 1 && ahead[0] === ids[ids.length - 1];
  if (newest >= nextId && !lastResultOnly)
    return `events.jsonl records candidate ${newest} but state.json proposes new ids from ${nextId}: the state is older than the journal`;
  if (told.length && !ids.length)
    return `state.json says ${told.length} candidates were evaluated but events.jsonl records none: the journal is missing or emptied`;
  return undefined;
}

/**
 * Results the strategy was told (state.json) but the journal lost (damaged lines): their ids, and
 * how many of them were evaluations (trained or failed, which count toward the budget), from the
 * snapshot's counters. `state` must have passed `stateProblem` and `resumeProblem`.
 */
export function lostResults(
  state: unknown,
  events: readonly RunEvent[],
): { ids: number[]; evaluations: number } {
  const { told, strategy } = state as { told: number[]; strategy: { ledger: { stats?: unknown } } };
  const results = new Map<number, string>();
  for (const e of events)
    if (e.type === 'candidate-finished' && e.candidate.testError === undefined)
      results.set(e.candidate.id, e.candidate.status);
  const ids = told.filter((id) => !results.has(id));
  const stats = strategy.ledger.stats;
  const counted =
    isObj(stats) && isCount(stats.trained) && isCount(stats.failed) ? stats.trained + stats.failed : 0;
  const journalled = told.filter(
    (id) => results.get(id) === 'trained' || results.get(id) === 'failed',
  ).length;
  return { ids, evaluations: ids.length ? Math.max(0, Math.min(ids.length, counted - journalled)) : 0 };
}

/** Whether `path` (resolved against `dir`) stays inside `dir`: file names read from a run folder must. */
export function inside(dir: string, path: string): boolean {
  const r = relative(resolve(dir), resolve(dir, path));
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

/** The first problem of a saved tfjs `model.json` in `dir` (weights/<id>/), or undefined. */
export function savedModelProblem(x: unknown, dir: string): string | undefined {
  if (!isObj(x)) return 'not a JSON object';
  if (!isObj(x.modelTopology)) return 'modelTopology: not an object';
  if (!Array.isArray(x.weightsManifest)) return 'weightsManifest: not a list';
  for (const [i, g] of x.weightsManifest.entries()) {
    if (!isObj(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights))
      return `weightsManifest[${i}]: not a group of paths and weights`;
    for (const p of g.paths)
      if (!isStr(p) || !inside(dir, p))
        return `weightsManifest[${i}].paths: ${JSON.stringify(p)} is not a file inside ${dir}`;
  }
  return undefined;
}

/**
 * Reads a file of a run folder; anything but a regular file is refused with an error coded
 * `ENOTFILE` (a FIFO would block the reader forever, a folder fails mid-read).
 */
export async function readRunBytes(path: string): Promise<Buffer> {
  const s = await stat(path);
  if (!s.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTFILE' });
  return readFile(path);
}

/** `readRunBytes` as UTF-8 text. */
export const readRunFile = async (path: string): Promise<string> =>
  (await readRunBytes(path)).toString('utf8');
