import { runStudy } from './study.js';

// `npm run study`: prints the comparison as JSON.
runStudy().then(
  (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
  (e: unknown) => {
    process.stderr.write(`study failed: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
