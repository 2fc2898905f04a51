import { analyze, type AnalyzeOptions } from '../../server/src/engine/language/analyze.js';
import { LineIndex } from '../../server/src/engine/language/positions.js';

/** Diagnostics as text lines `line:col-line:col severity message` (1-based), for data-driven tests. */
export function renderDiagnostics(text: string, options: AnalyzeOptions = {}): string[] {
  const li = new LineIndex(text);
  return analyze(text, options).diagnostics.map((d) => {
    const a = li.position(d.start);
    const b = li.position(d.end);
    return `${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1} ${d.severity} ${d.message}`;
  });
}
