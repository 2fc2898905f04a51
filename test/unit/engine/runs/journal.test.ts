import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalWriter, parseJournal, readJournal } from '../../../../server/src/engine/runs/journal.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'unas-journal-'));

describe('journal', () => {
  it('appends whole lines and reads them back', async () => {
    const path = join(tmp(), 'events.jsonl');
    const w = new JournalWriter(path);
    w.append({ a: 1 });
    w.append({ b: [2, 3] });
    w.close();
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":[2,3]}\n');
    expect(await readJournal(path)).toEqual({ records: [{ a: 1 }, { b: [2, 3] }], warnings: [] });
  });

  it('skips a torn last line with a warning, never fatally', async () => {
    const path = join(tmp(), 'events.jsonl');
    writeFileSync(path, '{"a":1}\n{"b":');
    expect(await readJournal(path)).toEqual({
      records: [{ a: 1 }],
      warnings: ['events.jsonl:2: incomplete last line (the run was interrupted while writing it); skipped'],
    });
    // Appending after a torn line starts a fresh line: the torn one stays isolated.
    const w = new JournalWriter(path);
    w.append({ c: 3 });
    w.close();
    expect((await readJournal(path)).records).toEqual([{ a: 1 }, { c: 3 }]);
  });

  it('skips corrupt lines in the middle and says where', () => {
    expect(parseJournal('{"a":1}\nnot json\n{"b":2}\n', 'j')).toEqual({
      records: [{ a: 1 }, { b: 2 }],
      warnings: ['j:2: corrupt line skipped'],
    });
  });

  it('reads a missing journal as empty', async () => {
    expect(await readJournal(join(tmp(), 'none.jsonl'))).toEqual({ records: [], warnings: [] });
  });
});
