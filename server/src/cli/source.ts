import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Diagnostic } from '../engine/language/diagnostics.js';
import { LineIndex } from '../engine/language/positions.js';
import type { CliIo } from './io.js';

/** Reads a `.unas` file given on the command line; an unreadable one is reported (`FILE: cannot read: CODE`). */
export async function readSource(
  io: CliIo,
  file: string,
  shown = file,
): Promise<{ path: string; text: string } | undefined> {
  const path = resolve(io.cwd, file);
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (e) {
    io.stderr.write(`${shown}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return undefined;
  }
}

/** Diagnostics as `file:line:col severity message` lines (1-based), the format every command uses. */
export function formatDiagnostics(file: string, text: string, diagnostics: readonly Diagnostic[]): string {
  const lines = new LineIndex(text);
  return diagnostics
    .map((d) => {
      const p = lines.position(d.start);
      return `${file}:${p.line + 1}:${p.character + 1} ${d.severity} ${d.message}\n`;
    })
    .join('');
}
