import { runStrategyStudy } from './study-strategies.js';

// `npm run study:strategies [-- --seeds 1,2 --budget 24 --subset 8000]`: prints the comparison as JSON.
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seeds = arg('seeds')?.split(',').map(Number);
const budget = arg('budget') ? Number(arg('budget')) : undefined;
const subset = arg('subset') ? Number(arg('subset')) : undefined;
runStrategyStudy({
  ...(seeds ? { seeds } : {}),
  ...(budget ? { budget } : {}),
  ...(subset ? { subset } : {}),
}).then(
  (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
  (e: unknown) => {
    process.stderr.write(`study failed: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
