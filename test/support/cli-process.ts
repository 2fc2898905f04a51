import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunEvent } from '../../protocol/src/run-events.js';

const root = join(__dirname, '../..');

/**
 * Runs the real CLI (`bin/unas.js`) with `--json`; `killAfter` SIGKILLs it once that many
 * candidates are journalled (or once the predicate holds for the events so far).
 */
export function unasProcess(
  args: string[],
  killAfter?: number | ((events: readonly RunEvent[]) => boolean),
): Promise<{ events: RunEvent[]; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(root, 'bin/unas.js'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: RunEvent[] = [];
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    createInterface({ input: p.stdout }).on('line', (line) => {
      const e = JSON.parse(line) as RunEvent | { type: 'summary' };
      if (e.type === 'summary') return;
      events.push(e);
      const kill =
        typeof killAfter === 'function'
          ? killAfter(events)
          : killAfter !== undefined &&
            events.filter((x) => x.type === 'candidate-finished').length >= killAfter;
      if (kill) p.kill('SIGKILL');
    });
    p.on('exit', (code, signal) => resolve({ events, code, signal, stderr }));
  });
}

/** Ids of the search-phase candidates that trained or failed, in journal order. */
export const finishedIds = (events: readonly RunEvent[]): number[] =>
  events.flatMap((e) =>
    e.type === 'candidate-finished' &&
    e.candidate.status !== 'rejected' &&
    e.candidate.testError === undefined
      ? [e.candidate.id]
      : [],
  );
