import { relative, resolve } from 'node:path';
import { checkDocument } from '../engine/checks/check-document.js';
import { defaultEnvironment } from '../engine/checks/environment.js';
import { LineIndex } from '../engine/language/positions.js';
import { EXIT, type CliIo } from './io.js';
import { formatDiagnostics, readSource } from './source.js';

/**
 * `unas check FILE…`: every finding of the engine (those the editor shows, resource checks included) as `file:line:col severity message`; exit 1 if any is an
 * error, so it can gate a CI job. `--json` prints one JSON array of findings instead.
 */
export async function checkCommand(
  files: readonly string[],
  opts: { json: boolean },
  io: CliIo,
): Promise<number> {
  if (!files.length) {
    io.stderr.write('unas check: give one or more .unas files\n');
    return EXIT.usage;
  }
  let errors = 0;
  let unreadable = false;
  const json: unknown[] = [];
  const env = defaultEnvironment((m) => io.stderr.write(`${m}\n`));
  for (const f of files) {
    const shown = relative(io.cwd, resolve(io.cwd, f)) || f;
    const source = await readSource(io, f, shown);
    if (!source) {
      unreadable = true;
      continue;
    }
    const { path, text } = source;
    const diagnostics = checkDocument(text, env, path).findings;
    errors += diagnostics.filter((d) => d.severity === 'error').length;
    if (!opts.json) {
      io.stdout.write(formatDiagnostics(shown, text, diagnostics));
      continue;
    }
    const lines = new LineIndex(text);
    for (const d of diagnostics) {
      const p = lines.position(d.start);
      const e = lines.position(d.end);
      json.push({
        file: shown,
        line: p.line + 1,
        column: p.character + 1,
        endLine: e.line + 1,
        endColumn: e.character + 1,
        severity: d.severity,
        code: d.code,
        message: d.message,
      });
    }
  }
  if (opts.json) io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  if (unreadable) return EXIT.input;
  return errors ? EXIT.findings : EXIT.ok;
}
