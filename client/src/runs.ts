import { realpathSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseJournal } from '../../protocol/src/journal.js';
import type { RunEvent } from '../../protocol/src/run-events.js';
import { evaluatedCount, foldRunEvents } from '../../protocol/src/run-state.js';
import { checkRunEvent } from '../../protocol/src/validate.js';

/** A run folder as the runs view lists it. */
export interface RunFolder {
  readonly dir: string;
  readonly name: string;
  readonly search: string;
  readonly modified: number;
  readonly evaluated: number;
  readonly finished: boolean;
}

/** Run folders under `root` (those with a settings.json), newest first. */
export async function discoverRuns(root: string): Promise<RunFolder[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const runs: RunFolder[] = [];
  for (const name of names) {
    const dir = join(root, name);
    const s = await stat(join(dir, 'settings.json')).catch(() => undefined);
    // A FIFO or a folder named settings.json would block or break the reader: not a run.
    if (!s?.isFile()) continue;
    let search = name;
    try {
      search = String(
        (JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as { name?: unknown }).name ?? name,
      );
    } catch {
      /* listed by folder name */
    }
    const state = foldRunEvents((await readRunEvents(dir)).events);
    const evaluated = evaluatedCount(state);
    const finished = state.finished?.reason === 'done';
    const m = await stat(join(dir, 'events.jsonl')).catch(() => s);
    runs.push({ dir, name, search, modified: m.mtimeMs, evaluated, finished });
  }
  return runs.sort((a, b) => b.modified - a.modified);
}

/** A run's events, validated; bad lines become warnings, never errors. */
export async function readRunEvents(dir: string): Promise<{ events: RunEvent[]; warnings: string[] }> {
  const path = join(dir, 'events.jsonl');
  // Only a regular file is read: a FIFO would block the extension host forever.
  const regular = await stat(path).then(
    (x) => x.isFile(),
    () => false,
  );
  const text = regular ? await readFile(path, 'utf8').catch(() => '') : '';
  const { records, warnings } = parseJournal(text, 'events.jsonl');
  const events: RunEvent[] = [];
  const all = [...warnings];
  for (const r of records) {
    const c = checkRunEvent(r);
    if (c.ok) events.push(c.value);
    else all.push(`events.jsonl: ${c.error}`);
  }
  return { events, warnings: all };
}

/** Whether `path` lies inside `root` (paths from messages must not escape the workspace). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * `run` when it is a folder inside one of `roots` once symlinks are resolved, else undefined. A run
 * folder named by webview state, a message or an argument is untrusted, and a symlink inside the
 * runs folder must not lead out of it, so the check compares real paths, not text.
 */
export function confinedRun(roots: readonly string[], run: unknown): string | undefined {
  if (typeof run !== 'string' || run === '') return undefined;
  let real: string;
  try {
    real = realpathSync.native(run);
    if (!statSync(real).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  for (const root of roots) {
    let realRoot: string;
    try {
      realRoot = realpathSync.native(root);
    } catch {
      continue;
    }
    if (real !== realRoot && isInside(realRoot, real)) return run;
  }
  return undefined;
}
