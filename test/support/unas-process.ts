import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunEvent } from '../../protocol/src/run-events.js';

const root = join(__dirname, '../..');

/** A `unas worker` process; resolves once it waits for jobs. `id` is its `host:pid`. */
export interface WorkerProcess {
  readonly proc: ChildProcess;
  readonly id: string;
  readonly output: string[];
  /** Ctrl-C, and the exit. */
  stop(): Promise<void>;
}

export function startWorker(
  queue: string,
  opts: { stubMs?: number; args?: readonly string[] } = {},
): Promise<WorkerProcess> {
  const proc = spawn(
    process.execPath,
    [join(root, 'bin/unas.js'), 'worker', '--queue', queue, '--concurrency', '1', ...(opts.args ?? [])],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...(opts.stubMs !== undefined ? { UNAS_STUB_TRAINER_MS: String(opts.stubMs) } : {}),
      },
    },
  );
  const output: string[] = [];
  proc.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  return new Promise((resolve, reject) => {
    proc.once('exit', (code, signal) =>
      reject(new Error(`worker exited (${code ?? signal}) before it was ready: ${output.join('')}`)),
    );
    createInterface({ input: proc.stdout }).on('line', (line) => {
      output.push(line);
      const m = /^(\S+:\d+): waiting for candidates/.exec(line);
      if (m)
        resolve({
          proc,
          id: m[1]!,
          output,
          stop: () =>
            new Promise<void>((res) => {
              if (proc.exitCode !== null || proc.signalCode !== null) return res();
              proc.once('exit', () => res());
              proc.kill('SIGINT');
            }),
        });
    });
  });
}

export interface SearchProcess {
  readonly proc: ChildProcess;
  readonly events: RunEvent[];
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** `unas search … --json`; `onEvent` sees every event as it comes (and may kill the process). */
export function startSearch(
  args: readonly string[],
  onEvent?: (e: RunEvent, p: ChildProcess) => void,
): SearchProcess {
  const proc = spawn(process.execPath, [join(root, 'bin/unas.js'), 'search', '--json', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: RunEvent[] = [];
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const e = JSON.parse(line) as RunEvent | { type: 'summary' };
    if (e.type === 'summary') return;
    events.push(e);
    onEvent?.(e, proc);
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res) =>
    proc.on('exit', (code, signal) => res({ code, signal, stderr })),
  );
  return { proc, events, done };
}

/** Ids of candidates evaluated (trained or failed) in a stream, in order, the final re-training left out. */
export const evaluatedIds = (events: readonly RunEvent[]): number[] =>
  events.flatMap((e) =>
    e.type === 'candidate-finished' &&
    (e.candidate.status === 'trained' || e.candidate.status === 'failed') &&
    e.candidate.testError === undefined
      ? [e.candidate.id]
      : [],
  );
