import { runCli } from '../../server/src/cli/run.js';
import type { CliIo } from '../../server/src/cli/io.js';

/** A CLI's io that keeps what it writes (`out()`, `err()`), for commands run in-process. */
export function captureIo(cwd: string): CliIo & { out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    stdout: {
      write: (s: string) => {
        stdout += s;
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        return true;
      },
    },
    cwd,
    env: {},
    out: () => stdout,
    err: () => stderr,
  };
}

/** Runs the `unas` CLI in-process with captured output. */
export async function cli(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo(cwd);
  const code = await runCli(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}
