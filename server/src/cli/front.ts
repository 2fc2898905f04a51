import { resolve } from 'node:path';
import { loadRun, RunError } from '../engine/runs/run-store.js';
import { foldRun, frontJson, frontTable } from './front-table.js';
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
  const { candidates, front, hypervolume } = foldRun(run.events);
  const members = front.flatMap((id) => {
    const c = candidates.get(id);
    return c ? [c] : [];
  });
  if (opts.json)
    io.stdout.write(
      `${JSON.stringify({ run: run.dir, search: run.config.name, evaluated: [...candidates.values()].filter((c) => c.status === 'trained' || c.status === 'failed').length, hypervolume, front: frontJson(members) }, null, 2)}\n`,
    );
  else
    io.stdout.write(
      `${run.config.name}: ${members.length} on the front, hypervolume ${hypervolume.toFixed(4)}\n${members.length ? frontTable(members) : '(empty)'}\n`,
    );
  return EXIT.ok;
}
