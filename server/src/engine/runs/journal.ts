import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseJournal, type JournalContents } from '../../../../protocol/src/journal.js';

export { parseJournal, type JournalContents };

/**
 * An append-only JSON-lines file. Each append is one `write` of a whole line followed by fsync,
 * so a crash (even SIGKILL) leaves at most a torn last line, which reading skips with a warning.
 */
export class JournalWriter {
  private fd: number | undefined;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'a+');
    // After a crash the file may end in a torn line: start on a fresh line so the next record
    // is not glued to it (the torn line stays isolated and is skipped on read).
    const size = fstatSync(this.fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(this.fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) writeSync(this.fd, '\n');
    }
  }

  append(record: unknown): void {
    if (this.fd === undefined) throw new Error(`journal ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export async function readJournal(path: string): Promise<JournalContents> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], warnings: [] };
    throw e;
  }
  return parseJournal(text, path.split(/[\\/]/).pop());
}
