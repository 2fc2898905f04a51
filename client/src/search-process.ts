import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { RunEvent } from '../../protocol/src/run-events.js';
import { checkRunEvent } from '../../protocol/src/validate.js';

export interface SearchProcessOptions {
  /** `dist/cli.js` of the extension. */
  readonly cli: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly onEvent: (e: RunEvent) => void;
  /** Lines that are not valid events (stderr, or stdout noise). */
  readonly onLog: (line: string) => void;
}

/**
 * A search runs in its own process (the `unas` CLI with `--json`), never in the extension host:
 * the editor cannot stall, and a crash costs only the search. Every stdout line is validated
 * against the protocol before it is used.
 */
export class SearchProcess {
  private readonly proc: ChildProcess;
  readonly done: Promise<number | null>;
  private stopping = false;

  constructor(o: SearchProcessOptions) {
    this.proc = spawn(process.execPath, [o.cli, ...o.args], {
      cwd: o.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      const parsed = parseEventLine(line);
      if (parsed.ok) o.onEvent(parsed.value);
      else o.onLog(line);
    });
    createInterface({ input: this.proc.stderr! }).on('line', (line) => o.onLog(line));
    this.done = new Promise((resolve) => {
      this.proc.on('exit', (code) => resolve(code));
      this.proc.on('error', (e) => {
        o.onLog(`could not start the search: ${e.message}`);
        resolve(null);
      });
    });
  }

  /** Asks the search to stop (it finishes its journal and stays resumable); kills it if it lingers. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.proc.kill('SIGINT');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.done;
    clearTimeout(timer);
  }
}

export function parseEventLine(line: string): { ok: true; value: RunEvent } | { ok: false; error: string } {
  let x: unknown;
  try {
    x = JSON.parse(line);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  return checkRunEvent(x);
}
