/**
 * The run journal's on-disk format: JSON lines, the last one possibly torn by a crash. Parsed the
 * same way by the engine (resume) and the extension (opening a run without the engine).
 */

export interface JournalContents {
  readonly records: readonly unknown[];
  /** One per skipped line: `journal.jsonl:41: …`. Never fatal. */
  readonly warnings: readonly string[];
}

export function parseJournal(text: string, name = 'journal'): JournalContents {
  const records: unknown[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  // A file that ends without a newline was cut mid-write: its last line is torn.
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      records.push(JSON.parse(line));
    } catch {
      const torn = i === lines.length - 1;
      warnings.push(
        `${name}:${i + 1}: ${torn ? 'incomplete last line (the run was interrupted while writing it); skipped' : 'corrupt line skipped'}`,
      );
    }
  });
  return { records, warnings };
}
