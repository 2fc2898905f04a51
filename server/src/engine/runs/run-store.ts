import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../../../../protocol/src/run-events.js';
import { checkRunEvent } from '../../../../protocol/src/validate.js';
import type { SearchConfig } from '../config/search-config.js';
import { JournalWriter, parseJournal } from './journal.js';
import {
  lostResults,
  readRunFile,
  resumeProblem,
  settingsProblem,
  stateProblem,
} from './run-folder-checks.js';

/**
 * A run folder:
 *   settings.json   the resolved SearchConfig (enough to resume without the .unas file)
 *   events.jsonl    every RunEvent, append-only (the log of record)
 *   state.json      the strategy's snapshot after the last result, replaced atomically
 *   front.json      the current Pareto front, replaced atomically
 *   weights/<id>/   trained weights (tfjs layers format) of front members (and, with inheritance,
 *                   of the population and of the parents of candidates in training)
 */
export const FILES = {
  settings: 'settings.json',
  events: 'events.jsonl',
  state: 'state.json',
  front: 'front.json',
  weights: 'weights',
} as const;

export interface RunState {
  /** Strategy snapshot (opaque JSON). */
  readonly strategy: unknown;
  /** Ids of candidates whose results are in events.jsonl when this was written. */
  readonly told: readonly number[];
  readonly rejected: number;
  readonly nextId: number;
}

export class RunStore {
  private readonly events: JournalWriter;
  private constructor(readonly dir: string) {
    this.events = new JournalWriter(join(dir, FILES.events));
  }

  /** A new run folder `<root>/<name>-<yyyymmdd-hhmmss>` holding the settings. */
  static async create(root: string, config: SearchConfig, now = new Date()): Promise<RunStore> {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    let dir = join(root, `${config.name}-${stamp}`);
    for (let i = 2; existsSync(dir); i++) dir = join(root, `${config.name}-${stamp}-${i}`);
    await mkdir(join(dir, FILES.weights), { recursive: true });
    atomicWrite(join(dir, FILES.settings), JSON.stringify(config, null, 2));
    return new RunStore(dir);
  }

  /** Reopens an existing folder for appending (resume). */
  static reopen(dir: string): RunStore {
    return new RunStore(dir);
  }

  append(event: RunEvent): void {
    this.events.append(event);
  }
  writeState(state: RunState): void {
    atomicWrite(join(this.dir, FILES.state), JSON.stringify(state));
  }
  writeFront(front: unknown): void {
    atomicWrite(join(this.dir, FILES.front), JSON.stringify(front, null, 2));
  }
  weightsDir(id: number): string {
    // Ids come from files of the run folder: only a whole number may name a folder in it.
    if (!Number.isSafeInteger(id) || id < 0)
      throw new RunError(`candidate id ${String(id)} is not a whole number`);
    return join(this.dir, FILES.weights, String(id));
  }

  /** Deletes weights of candidates no longer worth keeping (not on the front). */
  async pruneWeights(keep: ReadonlySet<number>): Promise<void> {
    const dir = join(this.dir, FILES.weights);
    const entries = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(
      entries
        .filter((e) => !keep.has(Number(e)))
        .map((e) => rm(join(dir, e), { recursive: true, force: true })),
    );
  }

  close(): void {
    this.events.close();
  }
}

/** Write-then-rename: readers never see a half-written file. */
function atomicWrite(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export interface LoadedRun {
  readonly dir: string;
  readonly config: SearchConfig;
  readonly events: readonly RunEvent[];
  /** The strategy's snapshot, when state.json is present, valid and agrees with the journal. */
  readonly state?: RunState;
  /**
   * Why this run cannot be resumed without re-using candidate ids or losing results (a missing,
   * damaged or stale state.json, an emptied journal); also listed in `warnings`.
   */
  readonly resumeProblem?: string;
  /** Evaluations the state counted whose journal lines are lost: they still count toward the budget. */
  readonly lostEvaluations?: number;
  readonly warnings: readonly string[];
}

export class RunError extends Error {}

/**
 * Reads a run folder, checking each file at the boundary: settings.json must be a valid
 * configuration (else RunError naming the field); corrupt event lines are skipped with warnings;
 * a state.json that is damaged or disagrees with the journal is dropped with `resumeProblem` set.
 */
export async function loadRun(dir: string): Promise<LoadedRun> {
  const settingsPath = join(dir, FILES.settings);
  let settings: unknown;
  try {
    settings = JSON.parse(await readRunFile(settingsPath));
  } catch (e) {
    throw new RunError(
      `${settingsPath}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not a run folder (no settings.json)' : `unreadable: ${(e as Error).message}`}`,
    );
  }
  const bad = settingsProblem(settings);
  if (bad) throw new RunError(`${settingsPath}: ${bad}`);
  const config = settings as SearchConfig;
  const eventsPath = join(dir, FILES.events);
  const journal = await readRunFile(eventsPath)
    .then((text) => parseJournal(text, FILES.events))
    .catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], warnings: [] };
      throw new RunError(`${eventsPath}: unreadable: ${(e as Error).message}`);
    });
  const warnings = [...journal.warnings];
  const events: RunEvent[] = [];
  for (const r of journal.records) {
    const c = checkRunEvent(r);
    if (c.ok) events.push(c.value);
    else warnings.push(`${FILES.events}: skipped an invalid event (${c.error})`);
  }
  let state: RunState | undefined;
  let damage: string | undefined;
  try {
    const value: unknown = JSON.parse(await readRunFile(join(dir, FILES.state)));
    const p = stateProblem(value);
    if (p) damage = `${FILES.state}: ${p}`;
    else state = value as RunState;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      damage = `${FILES.state}: unreadable: ${(e as Error).message}`;
  }
  // A damaged state with no journalled result loses nothing: the run starts over, with a warning.
  const disagreement = resumeProblem(state, events);
  const problem = disagreement && (damage ? `${damage}; ${disagreement}` : disagreement);
  if (problem) {
    state = undefined;
    warnings.push(problem);
  } else if (damage) warnings.push(`${damage}; ignored (no candidate results yet, the search starts over)`);
  const lost = state ? lostResults(state, events) : { ids: [], evaluations: 0 };
  if (lost.ids.length)
    warnings.push(
      `${FILES.events}: the results of candidates ${lost.ids.join(', ')} are lost (damaged lines); they stay out of the front and count toward the budget`,
    );
  return {
    dir,
    config,
    events,
    ...(state ? { state } : {}),
    ...(problem ? { resumeProblem: problem } : {}),
    ...(lost.evaluations ? { lostEvaluations: lost.evaluations } : {}),
    warnings,
  };
}
