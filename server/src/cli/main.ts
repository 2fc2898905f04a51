import { runCli } from './run.js';

// The `unas` command: thin wiring; everything testable lives in run.ts and the commands.
// Ctrl-C stops a search gracefully (the run folder stays resumable); a second one exits at once.
const stop = new AbortController();
process.on('SIGINT', () => {
  if (stop.signal.aborted) process.exit(130);
  process.stderr.write('\nstopping (Ctrl-C again to quit at once)…\n');
  stop.abort();
});

runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env },
  stop.signal,
)
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e: unknown) => {
    process.stderr.write(
      `unas: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = 70;
  });
