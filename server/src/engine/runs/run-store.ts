import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../../../../protocol/src/run-events.js';
import { checkRunEvent } from '../../../../protocol/src/validate.js';
import type { SearchConfig } from '../config/search-config.js';
import { JournalWriter, readJournal } from './journal.js';

/**
 * A run folder:
 *   settings.json   the resolved SearchConfig (enough to resume without the .unas file)
 *   events.jsonl    every RunEvent, append-only (the log of record)
 *   state.json      the strategy's snapshot after the last result, replaced atomically
 *   front.json      the current Pareto front, replaced atomically
 *   weights/<id>/   trained weights (tfjs layers format) of front members
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
  readonly state?: RunState;
  readonly warnings: readonly string[];
}

export class RunError extends Error {}

/** Reads a run folder; corrupt event lines are skipped with warnings, a missing settings file is an error. */
export async function loadRun(dir: string): Promise<LoadedRun> {
  let config: SearchConfig;
  try {
    config = JSON.parse(await readFile(join(dir, FILES.settings), 'utf8')) as SearchConfig;
  } catch (e) {
    throw new RunError(
      `${join(dir, FILES.settings)}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not a run folder (no settings.json)' : `unreadable: ${(e as Error).message}`}`,
    );
  }
  if (config.version !== 1)
    throw new RunError(
      `${join(dir, FILES.settings)}: unsupported settings version ${String(config.version)}`,
    );
  const journal = await readJournal(join(dir, FILES.events));
  const warnings = [...journal.warnings];
  const events: RunEvent[] = [];
  for (const r of journal.records) {
    const c = checkRunEvent(r);
    if (c.ok) events.push(c.value);
    else warnings.push(`${FILES.events}: skipped an invalid event (${c.error})`);
  }
  let state: RunState | undefined;
  try {
    state = JSON.parse(await readFile(join(dir, FILES.state), 'utf8')) as RunState;
  } catch {
    state = undefined;
  }
  return { dir, config, events, ...(state ? { state } : {}), warnings };
}
