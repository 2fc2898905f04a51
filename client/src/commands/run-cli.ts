import { execFile } from 'node:child_process';
import type { Ctx } from './context.js';

export interface CliResult {
  /** 0 on success; the CLI's exit code otherwise (see server/src/cli/io.ts), or -1 when it did not start. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it failed, in one line (stderr's first line, or the spawn error). */
  readonly failure?: string;
}

/**
 * Runs one `unas` CLI command to completion in its own process (never in the extension host) and
 * copies its output to the μNAS output channel. The one way commands call the CLI, apart from the
 * long-running search and retrain processes (search-process.ts), which stream events.
 */
export function runCli(ctx: Ctx, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ctx.cli, ...args],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
      (err, stdout, stderr) => {
        ctx.output.appendLine(stdout + stderr);
        if (!err) return resolve({ code: 0, stdout, stderr });
        const code = typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr, failure: (stderr || err.message).trim().split('\n')[0] ?? '' });
      },
    );
  });
}
