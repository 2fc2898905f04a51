import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Diagnostic } from '../engine/language/diagnostics.js';
import { LineIndex } from '../engine/language/positions.js';
import type { CliIo } from './io.js';

/**
 * Reads a file given on the command line; an unreadable one is reported (`FILE: cannot read: CODE`).
 * Only regular files: a FIFO or a device would block forever, a folder fails mid-read.
 */
export async function readInputFile(
  io: CliIo,
  file: string,
  shown = file,
): Promise<{ path: string; bytes: Buffer } | undefined> {
  const path = resolve(io.cwd, file);
  try {
    if (!(await stat(path)).isFile()) {
      io.stderr.write(`${shown}: cannot read: not a regular file\n`);
      return undefined;
    }
    return { path, bytes: await readFile(path) };
  } catch (e) {
    io.stderr.write(`${shown}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return undefined;
  }
}

/** Reads a `.unas` file given on the command line (see `readInputFile`). */
export async function readSource(
  io: CliIo,
  file: string,
  shown = file,
): Promise<{ path: string; text: string } | undefined> {
  const read = await readInputFile(io, file, shown);
  return read && { path: read.path, text: read.bytes.toString('utf8') };
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
