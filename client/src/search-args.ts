import { join } from 'node:path';
import type { ClientSettings } from '../../protocol/src/settings.js';

/** Command-line arguments of the `unas` CLI for a search started from the editor. */
export function searchArgs(o: {
  file?: string;
  search?: string;
  resume?: string;
  runsRoot: string;
  settings: ClientSettings;
}): string[] {
  const args = ['search'];
  if (o.resume) args.push('--resume', o.resume);
  else if (o.file) args.push(o.file);
  if (o.search && !o.resume) args.push('--search', o.search);
  args.push('--json', '--runs', o.runsRoot, '--backend', o.settings.backend);
  if (o.settings.workers > 0) args.push('--workers', String(o.settings.workers));
  if (o.settings.queue) args.push('--queue', o.settings.queue);
  return args;
}

/** Command-line arguments of `unas retrain` for a candidate the panel asks to re-train. */
export function retrainArgs(o: {
  run: string;
  id: number;
  epochs: number;
  warm: boolean;
  settings: ClientSettings;
}): string[] {
  const args = ['retrain', o.run, '--candidate', String(o.id), '--epochs', String(o.epochs)];
  if (o.warm) args.push('--warm');
  args.push('--json', '--backend', o.settings.backend);
  return args;
}

export function runsRoot(workspaceFolder: string, settings: ClientSettings): string {
  return join(workspaceFolder, settings.runsFolder);
}

/** Search names declared in a `.unas` text (cheap scan: the server owns real parsing). */
export function searchNames(text: string): string[] {
  const names: string[] = [];
  const re = /^[ \t]*search[ \t]+([A-Za-z_][A-Za-z0-9_-]*)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) names.push(m[1]!);
  return names;
}
