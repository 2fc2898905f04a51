/** What a CLI command may touch: injected, so tests run commands in-process. */
export interface CliIo {
  readonly stdout: { write(s: string): unknown; isTTY?: boolean };
  readonly stderr: { write(s: string): unknown };
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes: 0 ok, 1 findings (errors in a checked file), 2 usage, 3 input not readable, 4 the run failed, 130 interrupted. */
export const EXIT = { ok: 0, findings: 1, usage: 2, input: 3, failed: 4, interrupted: 130 } as const;
