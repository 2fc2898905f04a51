import { resolve } from 'node:path';
import { loadRun, RunError } from '../engine/runs/run-store.js';
import {
  evaluatedCount,
  foldRunEvents,
  frontCandidates,
  latestHypervolume,
} from '../../../protocol/src/run-state.js';
import { frontJson, frontTable } from './front-table.js';
import { EXIT, type CliIo } from './io.js';

/** `unas front RUN_FOLDER [--json]`: the Pareto front of a run, from its journal. */
export async function frontCommand(
  dir: string | undefined,
  opts: { json: boolean },
  io: CliIo,
): Promise<number> {
  if (!dir) {
    io.stderr.write('unas front: give a run folder (e.g. .unas/runs/mnist-20261124-221500)\n');
    return EXIT.usage;
  }
  let run;
  try {
    run = await loadRun(resolve(io.cwd, dir));
  } catch (e) {
    io.stderr.write(`unas front: ${e instanceof RunError ? e.message : String(e)}\n`);
    return EXIT.input;
  }
  for (const w of run.warnings) io.stderr.write(`warning: ${w}\n`);
  const state = foldRunEvents(run.events);
  const members = frontCandidates(state);
  const hypervolume = latestHypervolume(state);
  if (opts.json)
    io.stdout.write(
      `${JSON.stringify({ run: run.dir, search: run.config.name, evaluated: evaluatedCount(state), hypervolume, front: frontJson(members) }, null, 2)}\n`,
    );
  else
    io.stdout.write(
      `${run.config.name}: ${members.length} on the front, hypervolume ${hypervolume.toFixed(4)}\n${members.length ? frontTable(members) : '(empty)'}\n`,
    );
  return EXIT.ok;
}
