import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runStudy } from './study.js';
import {
  correlationOfRun,
  DEFAULT_POWER_STUDY,
  runPowerStudy,
  VARIANT_NAMES,
  type VariantName,
} from './study-power.js';

/**
 * `npm run study [-- OPTIONS]`: prints a comparison as JSON (progress on stderr).
 *   (default)   search power at equal wall time (bench/study-power.ts):
 *               --minutes M (per search, default 42)  --seeds 1,2  --variants munas,all
 *               --correlation N (default 20; 0 = skip)  --subset N
 *               --final-top N  --final-epochs N (the final phase; default 2 and 100)
 *               --final-minutes M (bound of the final phase; default 17, 0 = none)
 *               --final-distinct on|off (one finalist per topology; default on)
 *               --final-warm (fine-tune the searched weights)  --rotate DEG (augmentation; default 10)
 *               --population N  --sample N (aging evolution; default 40 and 10)
 *               --inherit-epochs N (default 2)  --keep DIR (keep the run folders there)
 *   prescreen   the earlier study on a budget of candidates (bench/study.ts)
 *   correlation RUN_DIR   the rank correlation of a kept run (--keep): --correlation N inherited
 *               candidates re-trained from scratch
 */
async function main(): Promise<unknown> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      minutes: { type: 'string' },
      seeds: { type: 'string' },
      variants: { type: 'string' },
      correlation: { type: 'string' },
      'final-top': { type: 'string' },
      'final-epochs': { type: 'string' },
      'final-warm': { type: 'boolean' },
      'final-minutes': { type: 'string' },
      'final-distinct': { type: 'string' },
      rotate: { type: 'string' },
      'inherit-epochs': { type: 'string' },
      keep: { type: 'string' },
      subset: { type: 'string' },
      population: { type: 'string' },
      sample: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  if (positionals[0] === 'prescreen') return runStudy();
  if (positionals.length && positionals[0] !== 'correlation')
    throw new Error(`unknown study '${positionals.join(' ')}' (prescreen, correlation RUN_DIR, or none)`);
  const num = (name: string, v: string | undefined, fallback: number, min: number) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} takes a number ≥ ${min}, not '${v}'`);
    return n;
  };
  const onOff = (name: string, v: string | undefined, fallback: boolean) => {
    if (v === undefined) return fallback;
    if (v !== 'on' && v !== 'off') throw new Error(`--${name} takes on or off, not '${v}'`);
    return v === 'on';
  };
  const d = DEFAULT_POWER_STUDY;
  if (positionals[0] === 'correlation') {
    if (positionals.length !== 2) throw new Error('usage: study correlation RUN_DIR [--correlation N]');
    return correlationOfRun(
      resolve(positionals[1]!),
      num('correlation', values.correlation, d.correlation, 1),
      num('workers', values.workers, d.workers, 1),
    );
  }
  const variants = values.variants?.split(',') ?? [...d.variants];
  const unknown = variants.filter((v) => !(VARIANT_NAMES as readonly string[]).includes(v));
  if (unknown.length) throw new Error(`unknown variant ${unknown.join(', ')} (${VARIANT_NAMES.join(', ')})`);
  return runPowerStudy({
    minutes: num('minutes', values.minutes, d.minutes, 0.1),
    seeds: values.seeds?.split(',').map((s) => num('seeds', s, 0, 0)) ?? d.seeds,
    variants: variants as VariantName[],
    correlation: num('correlation', values.correlation, d.correlation, 0),
    finalTop: num('final-top', values['final-top'], d.finalTop, 0),
    finalEpochs: num('final-epochs', values['final-epochs'], d.finalEpochs, 1),
    finalWarm: values['final-warm'] ?? d.finalWarm,
    finalMinutes: num('final-minutes', values['final-minutes'], d.finalMinutes, 0),
    finalDistinct: onOff('final-distinct', values['final-distinct'], d.finalDistinct),
    rotate: num('rotate', values.rotate, d.rotate, 0),
    inheritEpochs: num('inherit-epochs', values['inherit-epochs'], d.inheritEpochs, 1),
    ...(values.keep ? { keep: resolve(values.keep) } : {}),
    subset: num('subset', values.subset, d.subset, 100),
    population: num('population', values.population, d.population, 2),
    sample: num('sample', values.sample, d.sample, 1),
    workers: num('workers', values.workers, d.workers, 1),
    log: (line) => process.stderr.write(`${line}\n`),
  });
}

main().then(
  (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
  (e: unknown) => {
    process.stderr.write(`study failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
