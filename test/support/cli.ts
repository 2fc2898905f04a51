import { runCli } from '../../server/src/cli/run.js';

/** Runs the `unas` CLI in-process with captured output. */
export async function cli(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
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
  });
  return { code, stdout, stderr };
}
